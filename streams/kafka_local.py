"""The project's own Apache Kafka 4.x broker: one KRaft node on loopback, for development and tests.

``LocalKafka(settings).start()`` fetches the broker's jars with Maven once (into
``settings.local_kafka_dir / "libs"``), formats the storage of its data dir when needed,
starts a detached JVM and waits until the broker answers Kafka requests; ``stop()`` shuts
it down cleanly. A data dir holds ``server.properties``, ``log/`` (Kafka's ``log.dirs``),
``broker.log`` (the JVM's output; the previous run's is ``broker.log.1``) and ``broker.pid``.

``kafka_command`` implements ``stancewatch kafka up|down|status|fetch``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from string import Template
from types import TracebackType

from streams.affinity import other_cpus, pin
from streams.errors import BrokerError
from streams.settings import Settings

try:  # POSIX only; the local broker is supported on Linux and macOS.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

#: Files shipped with the package: the Maven pom of the broker classpath, its logging
#: configuration and the template of ``server.properties``.
RESOURCES = Path(__file__).resolve().parent / "kafka"
POM = RESOURCES / "pom.xml"
LOG4J_CONFIG = RESOURCES / "log4j2.properties"
SERVER_TEMPLATE = RESOURCES / "server.properties.template"

#: Options of the broker's JVM. ``TieredStopAtLevel=1`` compiles with C1 only: on a
#: small machine the C2 compiler otherwise takes about half of a fresh broker's CPU for
#: its first minutes (measured: 32 of 73 CPU-seconds in a bench run's first 4 minutes),
#: on the CPU the worker shares, while this broker's load needs no peak-optimised code.
JAVA_OPTS = (
    "-Xmx512m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
#: Kafka 4.x brokers need Java 17 or newer.
MIN_JAVA = 17
#: Maven's first download of the jars (~45 MB) may be slow.
FETCH_TIMEOUT = 900.0
#: Lines of mvn/format/broker output quoted in error messages.
TAIL_LINES = 40

KAFKA_ACTIONS = ("up", "down", "status", "fetch")
_POM_MARKER = ".stancewatch-pom.sha256"
_HOST = "127.0.0.1"


class LocalKafka:
    """One local single-node Kafka broker: its port, data dir and JVM process."""

    def __init__(self, settings: Settings, *, data_dir: Path | None = None) -> None:
        port = settings.local_kafka_port
        if not 0 < port < 65535:
            raise BrokerError(
                f"local Kafka port {port} is not usable: it must be in 1..65534 "
                "(the controller listens on port + 1)"
            )
        self.settings = settings
        self.port = port
        self.controller_port = port + 1
        self.bootstrap = f"{_HOST}:{port}"
        self.kafka_dir = Path(settings.local_kafka_dir).absolute()
        self.libs_dir = self.kafka_dir / "libs"
        base = self.kafka_dir / f"data-{port}" if data_dir is None else Path(data_dir)
        self.data_dir = base.absolute()
        self.log_dir = self.data_dir / "log"
        self.server_properties = self.data_dir / "server.properties"
        self.log_file = self.data_dir / "broker.log"
        self.pid_file = self.data_dir / "broker.pid"
        self._java_path: str | None = None

    # -- public API ---------------------------------------------------------------------

    def fetch(self) -> Path:
        """Make sure the broker's jars are in ``<local_kafka_dir>/libs`` (Maven, once)."""
        digest = hashlib.sha256(POM.read_bytes()).hexdigest()
        if _libs_ready(self.libs_dir, digest):
            return self.libs_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError(
                f"Maven ('mvn') is not on PATH; it is needed once to fetch the Kafka broker's "
                f"jars into {self.libs_dir}. Install Maven 3.6+ (and Java {MIN_JAVA}+), or set "
                "KAFKA_BOOTSTRAP_SERVERS to use an existing Kafka cluster."
            )
        self._java()  # Maven needs Java too: say so clearly rather than through mvn
        self.kafka_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.kafka_dir / ".fetch.lock"):
            if _libs_ready(self.libs_dir, digest):  # fetched meanwhile by another process
                return self.libs_dir
            build = self.kafka_dir / "build"
            build.mkdir(exist_ok=True)
            shutil.copyfile(POM, build / "pom.xml")
            partial = self.kafka_dir / "libs.partial"
            shutil.rmtree(partial, ignore_errors=True)
            cmd = [
                mvn, "-q", "-B", "--no-transfer-progress", "-f", str(build / "pom.xml"),
                "dependency:copy-dependencies", "-DincludeScope=runtime",
                f"-DoutputDirectory={partial}",
            ]  # fmt: skip
            try:
                proc = subprocess.run(
                    cmd, cwd=build, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True, timeout=FETCH_TIMEOUT, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired as exc:
                shutil.rmtree(partial, ignore_errors=True)
                raise BrokerError(
                    f"fetching the Kafka broker's jars with Maven took more than "
                    f"{FETCH_TIMEOUT:.0f}s and was stopped:\n{_tail(exc.output)}"
                ) from None
            except OSError as exc:
                raise BrokerError(f"cannot run Maven ({mvn}): {exc}") from None
            if proc.returncode != 0 or not any(partial.glob("kafka_2.13-*.jar")):
                shutil.rmtree(partial, ignore_errors=True)
                raise BrokerError(
                    f"fetching the Kafka broker's jars with Maven failed (exit code "
                    f"{proc.returncode}; is Maven Central reachable?). Last lines of "
                    f"mvn's output:\n{_tail(proc.stdout)}"
                )
            (partial / _POM_MARKER).write_text(digest + "\n")
            old = self.kafka_dir / "libs.old"
            if self.libs_dir.exists():
                shutil.rmtree(old, ignore_errors=True)
                self.libs_dir.rename(old)
            partial.rename(self.libs_dir)
            shutil.rmtree(old, ignore_errors=True)
        return self.libs_dir

    def start(self, timeout: float = 60.0) -> None:
        """Start the broker (fetch, format, launch) and wait until it answers requests.

        ``timeout`` bounds formatting and startup, not the one-time fetch. Returns at once
        when a broker started from this data dir is already running on this port.
        """
        if fcntl is None:  # pragma: no cover
            raise BrokerError(
                "the local Kafka broker runs on Linux and macOS only; "
                "set KAFKA_BOOTSTRAP_SERVERS to use an existing Kafka cluster"
            )
        started = time.monotonic()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.data_dir / "broker.lock"):
            pid = self._running_pid()
            if pid is not None:
                running_port = self._configured_port()
                if running_port != self.port:
                    raise BrokerError(
                        f"a Kafka broker from {self.data_dir} is already running on "
                        f"{_HOST}:{running_port} (pid {pid}); stop it first "
                        f"(stancewatch kafka down) or use another data dir"
                    )
                self._wait_ready(pid, started + timeout, timeout, kill_on_failure=False)
                return
            self.pid_file.unlink(missing_ok=True)
            for port in (self.port, self.controller_port):
                if not _port_free(port):
                    raise BrokerError(
                        f"{_HOST}:{port} is already in use by another process, so the local "
                        f"Kafka broker (client port {self.port}, controller port "
                        f"{self.controller_port}) cannot start. Stop that process, choose "
                        "another port (STANCEWATCH_KAFKA_PORT), or point KAFKA_BOOTSTRAP_SERVERS "
                        "at an existing cluster."
                    )
            libs = self.fetch()
            java = self._java()
            deadline = time.monotonic() + timeout  # the one-time fetch is not counted
            self._write_server_properties()
            self._format(java, libs, deadline)
            pid = self._launch(java, libs)
            try:
                self._wait_ready(pid, deadline, timeout, kill_on_failure=True)
            except BaseException:
                if _alive(pid):  # e.g. KeyboardInterrupt: leave no orphan JVM behind
                    _terminate(pid, 10.0)
                self.pid_file.unlink(missing_ok=True)
                raise

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker: SIGTERM (clean shutdown), SIGKILL after ``timeout``.

        A no-op when it is not running.
        """
        if not self.data_dir.exists():
            return
        with _locked(self.data_dir / "broker.lock"):
            pid = self._running_pid()
            if pid is not None:
                _terminate(pid, timeout)
            self.pid_file.unlink(missing_ok=True)

    def status(self) -> str:
        """``"running (pid N) on 127.0.0.1:PORT"`` or ``"stopped"``."""
        pid = self._running_pid()
        if pid is None:
            return "stopped"
        return f"running (pid {pid}) on {_HOST}:{self._configured_port()}"

    def is_running(self) -> bool:
        """True when a broker started from this data dir is alive."""
        return self._running_pid() is not None

    @property
    def pid(self) -> int | None:
        """Process id of the running broker's JVM, or ``None``."""
        return self._running_pid()

    def __enter__(self) -> LocalKafka:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalKafka(bootstrap={self.bootstrap!r}, data_dir={str(self.data_dir)!r})"

    # -- internals ----------------------------------------------------------------------

    def _java(self) -> str:
        """Path of a Java 17+ ``java``; a clear error otherwise."""
        if self._java_path is not None:
            return self._java_path
        java = shutil.which("java")
        if java is None:
            raise BrokerError(
                f"Java is not on PATH; the local Kafka broker needs a Java {MIN_JAVA}+ runtime "
                "(e.g. apt install openjdk-17-jre-headless), or set KAFKA_BOOTSTRAP_SERVERS "
                "to use an existing Kafka cluster."
            )
        try:
            out = subprocess.run(
                [java, "-version"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=60, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BrokerError(f"cannot run {java} -version: {exc}") from None
        match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
        if match:
            major = int(match.group(1))
            if major == 1 and match.group(2):  # "1.8.0_392" is Java 8
                major = int(match.group(2))
            if major < MIN_JAVA:
                raise BrokerError(
                    f"{java} is Java {major}; Kafka 4.x needs Java {MIN_JAVA} or newer"
                )
        self._java_path = java
        return java

    def _jvm_args(self, libs: Path) -> list[str]:
        return ["-cp", str(libs / "*"), f"-Dlog4j2.configurationFile={LOG4J_CONFIG}"]

    def _write_server_properties(self) -> None:
        text = Template(SERVER_TEMPLATE.read_text()).substitute(
            port=self.port,
            controller_port=self.controller_port,
            log_dir=str(self.log_dir).replace("\\", "\\\\"),
        )
        self.server_properties.write_text(text)

    def _configured_port(self) -> int:
        """Client port in this data dir's ``server.properties`` (this port if absent)."""
        try:
            text = self.server_properties.read_text()
        except OSError:
            return self.port
        match = re.search(r"^listeners=.*?PLAINTEXT://[^:,]+:(\d+)", text, re.MULTILINE)
        return int(match.group(1)) if match else self.port

    def _format(self, java: str, libs: Path, deadline: float) -> None:
        """Format the storage (``kafka-storage format``) unless it already is."""
        if (self.log_dir / "meta.properties").exists():
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            java, *self._jvm_args(libs), "kafka.tools.StorageTool", "format",
            "-t", _cluster_id(), "-c", str(self.server_properties), "--ignore-formatted",
        ]  # fmt: skip
        try:
            proc = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, timeout=max(deadline - time.monotonic(), 10.0), check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise BrokerError(
                f"formatting the Kafka storage in {self.log_dir} timed out:\n{_tail(exc.output)}"
            ) from None
        if proc.returncode != 0 or not (self.log_dir / "meta.properties").exists():
            raise BrokerError(
                f"formatting the Kafka storage in {self.log_dir} failed (exit code "
                f"{proc.returncode}):\n{_tail(proc.stdout)}"
            )

    def _launch(self, java: str, libs: Path) -> int:
        """Start the JVM detached (own session, reparented away from us); return its pid."""
        if self.log_file.exists():
            self.log_file.replace(self.data_dir / "broker.log.1")
        cmd = [java, *JAVA_OPTS, *self._jvm_args(libs), "kafka.Kafka", str(self.server_properties)]
        # A shell starts the JVM in the background and exits, so the JVM is not our child:
        # nothing has to reap it and it outlives this process (`stancewatch kafka up`).
        script = 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!'
        cpus = other_cpus(self.settings)  # off the NLP processes' CPUs, when pinning
        try:
            proc = subprocess.run(
                ["/bin/sh", "-c", script, "sh", str(self.log_file), *cmd],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                start_new_session=True, check=False,
                preexec_fn=(lambda: pin(cpus)) if cpus else None,
            )  # fmt: skip
            pid = int(proc.stdout.strip())
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise BrokerError(f"cannot launch the Kafka broker: {exc}") from None
        self.pid_file.write_text(f"{pid}\n")
        return pid

    def _wait_ready(
        self, pid: int, deadline: float, timeout: float, *, kill_on_failure: bool
    ) -> None:
        """Wait until the broker answers a Kafka request; errors quote the log's tail."""
        while True:
            if not _alive(pid):
                self.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"the Kafka broker (pid {pid}) exited during startup. Last lines of "
                    f"{self.log_file}:\n{_tail_file(self.log_file)}"
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if kill_on_failure:
                    _terminate(pid, 10.0)
                    self.pid_file.unlink(missing_ok=True)
                what = "it was stopped" if kill_on_failure else "it is still running"
                raise BrokerError(
                    f"the Kafka broker (pid {pid}) did not answer on {self.bootstrap} within "
                    f"{timeout:g}s; {what}. Last lines of {self.log_file}:\n"
                    f"{_tail_file(self.log_file)}"
                )
            if _api_versions_ok(_HOST, self.port, min(remaining, 2.0)) and _admin_ready(
                self.bootstrap, min(remaining, 10.0)
            ):
                return
            time.sleep(0.2)

    def _running_pid(self) -> int | None:
        """Pid of a live broker JVM started from this data dir, per the pid file."""
        try:
            pid = int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        if not _alive(pid):
            return None
        cmdline = _cmdline(pid)
        if cmdline is None:  # cannot tell: trust the pid file
            return pid
        if "kafka.Kafka" in cmdline and str(self.server_properties) in cmdline:
            return pid
        return None  # the pid was reused by another program


def free_port_pair() -> int:
    """A free loopback port ``p`` such that ``p`` and ``p + 1`` are both free (for tests)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((_HOST, 0))
            port = int(sock.getsockname()[1])
        if port < 65535 and _port_free(port) and _port_free(port + 1):
            return port
    raise BrokerError("found no two consecutive free ports on 127.0.0.1")


def kafka_command(action: str, settings: Settings) -> int:
    """``stancewatch kafka up|down|status|fetch``: print one line, return the exit code.

    Exit codes: 0 success (``status``: running), 1 error, 2 unknown action,
    3 ``status`` of a stopped broker.
    """
    if action not in KAFKA_ACTIONS:
        print(
            f"error: unknown kafka action {action!r} (use one of: {', '.join(KAFKA_ACTIONS)})",
            file=sys.stderr,
        )
        return 2
    if settings.bootstrap_servers and action != "fetch":
        what = {
            "up": "no local broker started",
            "down": "no local broker to stop",
            "status": "the local broker is not used",
        }[action]
        print(
            f"using the external Kafka cluster at {settings.bootstrap_servers} "
            f"(KAFKA_BOOTSTRAP_SERVERS); {what}"
        )
        return 0
    try:
        broker = LocalKafka(settings)
        if action == "fetch":
            print(f"Kafka broker jars ready in {broker.fetch()}")
        elif action == "up":
            already = broker.is_running()
            started = time.monotonic()
            broker.start()
            took = "" if already else f" in {time.monotonic() - started:.1f}s"
            print(
                f"local Kafka broker {'already ' if already else ''}running on "
                f"{broker.bootstrap} (pid {broker.pid}){took}; data {broker.data_dir}, "
                f"log {broker.log_file}"
            )
        elif action == "down":
            pid = broker.pid
            broker.stop()
            print(
                f"local Kafka broker on {broker.bootstrap} stopped (pid {pid})"
                if pid is not None
                else f"local Kafka broker on {broker.bootstrap} was not running"
            )
        else:
            status = broker.status()
            print(f"local Kafka broker: {status} (data {broker.data_dir})")
            return 0 if broker.is_running() else 3
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


# -- helpers ----------------------------------------------------------------------------


def _libs_ready(libs: Path, digest: str) -> bool:
    """Jars present, and fetched from this pom (jars put there by hand are accepted)."""
    if not any(libs.glob("kafka_2.13-*.jar")):
        return False
    marker = libs / _POM_MARKER
    return not marker.exists() or marker.read_text().strip() == digest


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (serializes concurrent start/stop/fetch)."""
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _cluster_id() -> str:
    """A random Kafka cluster id (what ``kafka-storage random-uuid`` prints)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


def _port_free(port: int) -> bool:
    """True when ``127.0.0.1:port`` can be bound (as the broker binds it: SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_HOST, port))
        except OSError:
            return False
    return True


def _alive(pid: int) -> bool:
    """True when the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:  # gone meanwhile, or no /proc at all (macOS): trust kill(0)
        return not Path("/proc/self").exists()
    except OSError:
        return True
    state = stat.rpartition(")")[2].split()
    return not state or state[0] not in ("Z", "X")


def _cmdline(pid: int) -> str | None:
    """The command line of ``pid``, or ``None`` when it cannot be read."""
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        pass
    try:
        out = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True,
            timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` for the exit, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError as exc:
            raise BrokerError(f"not allowed to stop the Kafka broker (pid {pid}): {exc}") from None
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if not _alive(pid):
                return
            time.sleep(0.1)
    if _alive(pid):
        raise BrokerError(f"the Kafka broker (pid {pid}) did not exit even after SIGKILL")


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def _api_versions_ok(host: str, port: int, timeout: float) -> bool:
    """True when the listener answers an ApiVersions (v0) request without error.

    Cheap gate before the admin client: the broker binds its port before it serves
    requests, and a kafka-python client that fails to bootstrap leaks its IO thread.
    """
    client_id = b"stancewatch-probe"
    body = struct.pack(">hhih", 18, 0, 7, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            (size,) = struct.unpack(">i", _recv_exact(sock, 4))
            correlation, error = struct.unpack(">ih", _recv_exact(sock, min(size, 6)))
    except (OSError, struct.error):
        return False
    return bool(correlation == 7 and error == 0)


def _admin_ready(bootstrap: str, timeout: float) -> bool:
    """True when kafka-python's admin client sees at least one broker in the cluster."""
    with warnings.catch_warnings():  # kafka-python 3.0 warns (deprecated importlib API) on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

    ms = max(int(timeout * 1000), 1000)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="stancewatch-probe",
            request_timeout_ms=ms,
            bootstrap_timeout_ms=ms,
        )
    except (KafkaError, OSError):
        return False
    try:
        cluster: dict[str, object] = admin.describe_cluster()
        return bool(cluster.get("brokers"))
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()


def _tail(output: str | bytes | None, lines: int = TAIL_LINES) -> str:
    if output is None:
        return "(no output)"
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    text = "\n".join(output.rstrip().splitlines()[-lines:])
    return text or "(no output)"


def _tail_file(path: Path, lines: int = TAIL_LINES) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(handle.tell() - 64_000, 0))
            return _tail(handle.read(), lines)
    except OSError:
        return f"({path} cannot be read)"
