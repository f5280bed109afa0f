#!/usr/bin/env python3
"""Build the shipped verb lexicon of stancewatch (``processors/data/verbs.tsv``).

    python scripts/build_verbs.py --shared ../shared --out processors/data

Reads the CAMEO 2.0 verb-pattern dictionary of PETRARCH
(``<shared>/data/phoenix/CAMEO.2.0.txt``) and the CAMEO -> PLOVER table
(``<shared>/data/plover/CAMEO2PLOVER-2021.txt``) and writes ``verbs.tsv``. The output
is deterministic: the same inputs give byte-identical files.

What is taken from CAMEO 2.0, and how:

* A verb with a code of its own (``ASK [020]``), and the verbs of a block
  (``---  APPEAL  [020]  ---``) with the block's code, become bare entries (lemma ->
  code), except that the frequent, many-sensed verbs of :data:`GENERIC_VERBS` (TAKE
  listed under SEIZE, FACE under MEET) only get entries through patterns unless they
  head their block. Multi-word verbs (``+ASK_FOR``,
  ``+CALL_OFF``) become lemma + particle/preposition.
* Every pattern ``- * WORDS [code]`` becomes a lemma + preposition and/or object entry:
  ``- * (FOR TIES)`` -> (call, for, ties); ``- * {DIPLOMATIC TIES}`` -> (restore, -,
  ties) (the head, i.e. last word, of a phrase); ``- * &CURRENCY`` -> one entry per
  member of the synonym set. A pattern applies to the block verbs its comment names (to
  all of them when it names none). Words after the first object are qualifiers that the
  lexicon does not keep; such patterns lose to a pattern without qualifiers for the
  same key. Patterns that constrain the subject (``- TANKS *``), put the source after
  the verb (``$``) or only code the reverse event (``[:173]``) are left out.
* ``[---]`` patterns are kept as null entries (event type ``-``): that verb with that
  object is no event ("raise prices").

CAMEO codes become PLOVER (type, mode, context) through the CAMEO2PLOVER table, with
the longest listed prefix of the code. Two documented departures:

* CAMEO 02 (APPEAL), which PLOVER drops, is coded as REQUEST ("all requests, demands,
  and orders", PLOVER manual) with the mode of the parallel CAMEO 10 code (021 -> 101).
  CAMEO 01 (public statements) stays dropped: such verbs are no events.
* CAMEO 163 (impose embargo, boycott or sanctions) is SANCTION ``discontinue`` as the
  PLOVER manual's text says ("International sanctions are coded as discontinue"), not
  the table's COERCE.

The curated block below (the entries that matter most for news, checked by hand) wins
over CAMEO entries for the same key.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The extractor folds object words the same way when it matches the lexicon.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from processors.events import stem

REPO = Path(__file__).resolve().parents[1]

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip

#: Words that follow a verb as particles (``set off``, ``break down``), not objects.
PARTICLES = {
    "up", "down", "off", "out", "back", "away", "over", "in", "on", "around", "aside",
    "forward", "through", "apart", "together", "along", "about", "across", "by",
}  # fmt: skip
PREPOSITIONS = {
    "to", "for", "with", "against", "on", "at", "from", "into", "in", "of", "about", "by",
    "over", "toward", "towards", "upon", "between", "under", "as", "through", "across",
    "behind", "before", "after", "onto", "near", "without", "within", "off", "out", "up",
    "down", "like", "among", "amid",
}  # fmt: skip

#: Frequent verbs with many senses: listed as WordNet synonyms in a CAMEO block they
#: would take its default code ("take" -> seize, "face" -> meet, "lead" -> cooperate),
#: so they get entries only from patterns. Chosen from the most frequent verbs of the
#: news sentences in shared/eval/newsmtsc_train.jsonl that carried a block default.
GENERIC_VERBS = {
    "take", "go", "give", "think", "add", "lead", "accord", "serve", "leave", "need",
    "face", "pay", "provide", "claim", "consider", "join", "expect", "mean", "hear",
    "learn", "plan", "issue", "reveal", "argue", "admit", "relate", "express", "force",
    "break", "die", "pass", "decide", "conduct", "remove", "campaign", "engage", "catch",
    "increase", "improve", "travel", "head", "expand", "determine", "establish",
    "promote", "introduce", "insist", "favor", "manage", "inspire", "hope", "gather",
    "expose", "control", "benefit", "aim", "surround", "recommend", "handle", "direct",
    "buy", "approve", "rule", "respect", "link", "fill", "approach", "weigh", "confront",
    "celebrate", "oversee", "affect", "signal", "govern", "deal", "counter", "boost",
    "organize", "study", "found", "check", "want", "help", "vote", "run", "make", "get",
    "have", "do", "come", "put", "set", "keep", "hold", "open", "close", "send", "bring",
    "turn", "play", "see", "look", "move", "carry", "raise", "reach", "begin", "start",
    "continue", "end", "show", "work", "call", "tell", "ask", "use", "find", "know",
    "feel", "seem", "become", "stay", "meet", "change", "fall", "stand", "sit", "win",
    "lose", "spend", "build", "grow", "offer", "return", "report", "point", "include",
    "enter", "contact", "suspect", "settle", "lend", "connect", "unite", "tour", "trade",
    "enact", "apply", "compete", "tend", "match", "explore", "prefer", "subscribe",
    "assure", "ensure", "target", "struggle", "pull", "challenge", "dominate", "contain",
    "enforce", "clear", "mock", "cheer", "appreciate", "honor", "hail", "unveil",
}  # fmt: skip

#: Words that are no object heads (determiners, pronouns, adverbs in patterns).
NOT_OBJECTS = {
    "a", "an", "the", "it", "its", "him", "her", "them", "they", "this", "that", "these",
    "those", "his", "their", "himself", "itself", "themselves", "not", "no", "new", "more",
    "further", "any", "all", "some", "other",
}  # fmt: skip

# Curated entries: lemma, prep ("-" = none required), object ("-" = none required),
# PLOVER type, mode, context, CAMEO code. "-" in type: the verb is no event. "TYPE!"
# locks the type: CAMEO object entries for the same lemma and preposition keep only
# their mode and code when they have that type, and are dropped otherwise ("call for
# talks" is a REQUEST, not CAMEO's 036 intent to meet).
CURATED = """
call	for	-	REQUEST!	-	-	10
call	on	-	REQUEST!	-	-	10
call	for	sanction	REQUEST	change	-	1042
call	-	-	-	-	-	-
urge	-	-	REQUEST!	-	-	10
appeal	-	-	REQUEST!	-	-	10
demand	-	-	REQUEST!	-	-	10
request	-	-	REQUEST	-	-	10
ask	-	-	REQUEST	-	-	10
press	for	-	REQUEST	-	-	10
push	for	-	REQUEST	-	-	10
press	-	-	REQUEST	-	-	10
pressure	-	-	REQUEST	-	-	10
seek	-	-	REQUEST	-	-	10
plead	-	-	REQUEST	-	-	10
implore	-	-	REQUEST	-	-	10
order	-	-	REQUEST	-	-	10
accuse	-	-	ACCUSE!	allege	-	112
blame	-	-	ACCUSE	allege	-	112
criticize	-	-	ACCUSE!	disapprove	-	111
criticise	-	-	ACCUSE!	disapprove	-	111
condemn	-	-	ACCUSE!	disapprove	-	111
denounce	-	-	ACCUSE!	disapprove	-	111
deplore	-	-	ACCUSE	disapprove	-	111
slam	-	-	ACCUSE	disapprove	-	111
rebuke	-	-	ACCUSE	disapprove	-	111
censure	-	-	ACCUSE	disapprove	-	111
chide	-	-	ACCUSE	disapprove	-	111
complain	-	-	ACCUSE	allege	diplomatic	114
allege	-	-	ACCUSE	allege	-	112
charge	-	-	ACCUSE	allege	-	112
indict	-	-	ACCUSE	allege	legal	1121
sue	-	-	ACCUSE	allege	legal	115
investigate	-	-	ACCUSE	investigate	-	09
probe	-	-	ACCUSE	investigate	-	09
threaten	-	-	THREATEN	-	-	13
vow	-	-	THREATEN	-	-	13
ultimatum	-	-	THREATEN	-	-	13
warn	-	-	THREATEN	-	-	13
support	-	-	SUPPORT	-	diplomatic	05
back	-	-	SUPPORT	-	diplomatic	05
endorse	-	-	SUPPORT	-	diplomatic	051
praise	-	-	SUPPORT	-	diplomatic	051
commend	-	-	SUPPORT	-	diplomatic	051
welcome	-	-	SUPPORT	-	diplomatic	051
congratulate	-	-	SUPPORT	-	diplomatic	051
greet	-	-	SUPPORT	-	diplomatic	051
defend	-	-	SUPPORT	-	diplomatic	052
recognize	-	-	SUPPORT	-	diplomatic	054
recognise	-	-	SUPPORT	-	diplomatic	054
apologize	-	-	SUPPORT	-	diplomatic	055
apologise	-	-	SUPPORT	-	diplomatic	055
forgive	-	-	SUPPORT	-	diplomatic	056
sign	-	-	SUPPORT!	-	diplomatic	057
reject	-	-	REJECT	-	-	12
refuse	-	-	REJECT	-	-	12
oppose	-	-	REJECT	-	-	12
veto	-	-	REJECT	yield	diplomatic	129
dismiss	-	-	REJECT	-	-	12
rebuff	-	-	REJECT	-	-	12
deny	-	-	REJECT	-	-	12
defy	-	-	REJECT	yield	legal	128
meet	-	-	CONSULT	-	-	04
meet	with	-	CONSULT	-	-	04
visit	-	-	CONSULT	visit	-	042
arrive	in	-	CONSULT	visit	-	042
host	-	-	CONSULT	visit	-	043
talk	-	-	CONSULT	-	-	04
discuss	-	-	CONSULT	-	-	04
consult	-	-	CONSULT	-	-	04
negotiate	-	-	CONSULT	-	diplomatic	046
mediate	-	-	CONSULT	-	diplomatic	045
phone	-	-	CONSULT	phone	-	041
telephone	-	-	CONSULT	phone	-	041
agree	-	-	AGREE	-	diplomatic	03
pledge	-	-	AGREE	-	diplomatic	03
promise	-	-	AGREE	-	diplomatic	03
offer	-	-	AGREE	-	diplomatic	03
cooperate	-	-	COOPERATE	-	-	06
partner	-	-	COOPERATE	-	-	06
ally	-	-	COOPERATE	-	-	06
share	-	-	COOPERATE	-	intelligence	064
extradite	-	-	COOPERATE	-	legal	063
aid	-	-	AID	-	-	07
donate	-	-	AID	-	-	07
give	-	aid	AID	-	-	07
grant	-	asylum	AID	-	asylum	075
evacuate	-	-	AID	-	humanitarian	073
concede	-	-	CONCEDE	-	-	08
allow	-	-	CONCEDE	-	-	08
lift	-	-	CONCEDE	-	legal	081
ease	-	-	CONCEDE	-	legal	081
withdraw	from	-	RETREAT	withdraw	military	0872
withdraw	-	-	RETREAT	withdraw	military	0872
pull	out	-	RETREAT	withdraw	military	0872
resign	-	-	RETREAT	resign	-	084
release	-	-	RETREAT	release	legal	0841
free	-	-	RETREAT	release	legal	0841
demobilize	-	-	RETREAT	disarm	military	0873
demobilise	-	-	RETREAT	disarm	military	0873
disarm	-	-	RETREAT	disarm	military	0873
protest	-	-	PROTEST	-	-	14
demonstrate	-	-	PROTEST	demo	-	141
rally	-	-	PROTEST	demo	-	141
march	-	-	PROTEST	demo	-	141
riot	-	-	PROTEST	riot	-	145
boycott	-	-	PROTEST	boycott	-	143
strike	-	-	ASSAULT	-	military	190
sanction	-	-	SANCTION	discontinue	economic	163
impose	-	sanction	SANCTION	discontinue	economic	163
impose	-	embargo	SANCTION	discontinue	economic	163
impose	-	curfew	COERCE	curfew	pro_autocracy	1723
impose	-	blockade	COERCE	restrict	military	191
impose	-	-	-	-	-	-
embargo	-	-	SANCTION	discontinue	economic	163
suspend	-	-	SANCTION	discontinue	-	16
halt	-	aid	SANCTION	discontinue	-	162
cut	-	aid	SANCTION	discontinue	-	162
expel	-	-	SANCTION	expel	diplomatic	166
mobilize	-	-	MOBILIZE	troops	military	154
mobilise	-	-	MOBILIZE	troops	military	154
deploy	-	-	MOBILIZE	troops	military	154
arrest	-	-	COERCE	arrest	legal	173
detain	-	-	COERCE	arrest	legal	173
kidnap	-	-	ASSAULT	abduct	-	181
abduct	-	-	ASSAULT	abduct	-	181
seize	-	-	COERCE	seize	-	1711
confiscate	-	-	COERCE	seize	-	1711
ban	-	-	COERCE	ban	pro_autocracy	1722
outlaw	-	-	COERCE	ban	pro_autocracy	1722
blockade	-	-	COERCE	restrict	military	191
deport	-	-	COERCE	deport	legal	174
demolish	-	-	COERCE	seize	human_security	1712
attack	-	-	ASSAULT	-	military	190
bomb	-	-	ASSAULT	heavy-weapons	military	195
shell	-	-	ASSAULT	heavy-weapons	military	194
kill	-	-	ASSAULT	-	-	18
wound	-	-	ASSAULT	-	-	18
invade	-	-	ASSAULT	-	military	190
assault	-	-	ASSAULT	beat	-	182
assassinate	-	-	ASSAULT	assassinate	-	186
torture	-	-	ASSAULT	torture	-	1822
massacre	-	-	ASSAULT	massacre	military	200
want	-	-	-	-	-	-
vote	-	-	-	-	-	-
consider	-	-	-	-	-	-
expect	-	-	-	-	-	-
hear	-	-	-	-	-	-
express	-	-	-	-	-	-
die	-	-	-	-	-	-
decide	-	-	-	-	-	-
engage	-	-	-	-	-	-
intend	-	-	-	-	-	-
determine	-	-	-	-	-	-
introduce	-	-	-	-	-	-
prepare	-	-	-	-	-	-
hope	-	-	-	-	-	-
aim	-	-	-	-	-	-
link	-	-	-	-	-	-
boost	-	-	-	-	-	-
enact	-	-	-	-	-	-
signal	-	-	-	-	-	-
fail	-	-	-	-	-	-
plan	-	-	-	-	-	-
trade	-	-	-	-	-	-
"""

# Light verbs whose event is their object noun ("began a hunger strike", "lodged a
# protest", "reiterated its demand"): every light verb with every event noun below,
# unless the curated block above has that pair. (verb, particle)
LIGHT_VERBS = [
    ("begin", "-"), ("start", "-"), ("continue", "-"), ("stage", "-"), ("hold", "-"),
    ("launch", "-"), ("mount", "-"), ("conduct", "-"), ("carry", "out"), ("organize", "-"),
    ("organise", "-"), ("open", "-"), ("resume", "-"), ("declare", "-"), ("announce", "-"),
    ("issue", "-"), ("lodge", "-"), ("file", "-"), ("renew", "-"), ("reiterate", "-"),
    ("repeat", "-"), ("make", "-"), ("wage", "-"), ("step", "up"), ("intensify", "-"),
    ("order", "-"), ("call", "-"), ("complete", "-"), ("finish", "-"), ("tighten", "-"),
    ("extend", "-"), ("enforce", "-"), ("reimpose", "-"),
]  # fmt: skip
# noun, type, mode, context, CAMEO code
EVENT_NOUNS = """
protest	PROTEST	demo	-	141
demonstration	PROTEST	demo	-	141
rally	PROTEST	demo	-	141
march	PROTEST	demo	-	141
sit-in	PROTEST	demo	-	141
riot	PROTEST	riot	-	145
boycott	PROTEST	boycott	-	143
attack	ASSAULT	-	military	190
assault	ASSAULT	-	military	190
offensive	ASSAULT	-	military	190
raid	ASSAULT	-	military	190
invasion	ASSAULT	-	military	192
bombing	ASSAULT	heavy-weapons	military	195
airstrike	ASSAULT	heavy-weapons	military	195
shelling	ASSAULT	heavy-weapons	military	194
ceasefire	RETREAT	ceasefire	military	0871
cease-fire	RETREAT	ceasefire	military	0871
truce	RETREAT	ceasefire	military	0871
curfew	COERCE	curfew	pro_autocracy	1723
blockade	COERCE	restrict	military	191
crackdown	COERCE	-	-	17
sanction	SANCTION	discontinue	economic	163
embargo	SANCTION	discontinue	economic	163
suspension	SANCTION	discontinue	-	16
talk	CONSULT	-	-	04
negotiation	CONSULT	-	diplomatic	046
consultation	CONSULT	-	-	04
summit	CONSULT	-	-	04
investigation	ACCUSE	investigate	-	09
probe	ACCUSE	investigate	-	09
inquiry	ACCUSE	investigate	-	09
hearing	ACCUSE	investigate	legal	09
withdrawal	RETREAT	withdraw	military	0872
pullout	RETREAT	withdraw	military	0872
demand	REQUEST	-	-	10
call	REQUEST	-	-	10
appeal	REQUEST	-	-	10
plea	REQUEST	-	-	10
request	REQUEST	-	-	10
reminder	REQUEST	-	-	10
warning	THREATEN	-	-	13
threat	THREATEN	-	-	13
ultimatum	THREATEN	relations	diplomatic	139
accusation	ACCUSE	allege	-	112
allegation	ACCUSE	allege	-	112
complaint	ACCUSE	allege	diplomatic	114
criticism	ACCUSE	disapprove	-	111
condemnation	ACCUSE	disapprove	-	111
apology	SUPPORT	-	diplomatic	055
siege	COERCE	martial-law	pro_autocracy	1724
emergency	COERCE	martial-law	pro_autocracy	1724
"""
# pairs that differ from the table: a strike called or staged is a protest, one
# launched or carried out an attack; a protest lodged, filed or made is a complaint.
LIGHT_PAIRS = """
begin	-	strike	PROTEST	boycott	-	143
start	-	strike	PROTEST	boycott	-	143
continue	-	strike	PROTEST	boycott	-	143
stage	-	strike	PROTEST	boycott	-	143
hold	-	strike	PROTEST	boycott	-	143
call	-	strike	PROTEST	boycott	-	143
organize	-	strike	PROTEST	boycott	-	143
organise	-	strike	PROTEST	boycott	-	143
launch	-	strike	ASSAULT	heavy-weapons	military	195
carry	out	strike	ASSAULT	heavy-weapons	military	195
lodge	-	protest	ACCUSE	allege	diplomatic	114
hand	over	-	AID	-	-	070
leave	for	-	CONSULT	visit	-	042
violate	-	ban	REJECT	yield	legal	128
violate	-	embargo	REJECT	yield	legal	128
violate	-	sanction	REJECT	yield	legal	128
violate	-	curfew	REJECT	yield	legal	128
violate	-	order	REJECT	yield	legal	128
violate	-	rule	REJECT	yield	legal	128
violate	-	ruling	REJECT	yield	legal	128
violate	-	decree	REJECT	yield	legal	128
defy	-	ban	REJECT	yield	legal	128
defy	-	embargo	REJECT	yield	legal	128
defy	-	sanction	REJECT	yield	legal	128
defy	-	curfew	REJECT	yield	legal	128
defy	-	order	REJECT	yield	legal	128
defy	-	rule	REJECT	yield	legal	128
defy	-	ruling	REJECT	yield	legal	128
defy	-	decree	REJECT	yield	legal	128
breach	-	ban	REJECT	yield	legal	128
breach	-	embargo	REJECT	yield	legal	128
breach	-	sanction	REJECT	yield	legal	128
breach	-	curfew	REJECT	yield	legal	128
breach	-	order	REJECT	yield	legal	128
breach	-	rule	REJECT	yield	legal	128
breach	-	ruling	REJECT	yield	legal	128
breach	-	decree	REJECT	yield	legal	128
flout	-	ban	REJECT	yield	legal	128
flout	-	embargo	REJECT	yield	legal	128
flout	-	sanction	REJECT	yield	legal	128
flout	-	curfew	REJECT	yield	legal	128
flout	-	order	REJECT	yield	legal	128
flout	-	rule	REJECT	yield	legal	128
flout	-	ruling	REJECT	yield	legal	128
flout	-	decree	REJECT	yield	legal	128
ignore	-	ban	REJECT	yield	legal	128
ignore	-	embargo	REJECT	yield	legal	128
ignore	-	sanction	REJECT	yield	legal	128
ignore	-	curfew	REJECT	yield	legal	128
ignore	-	order	REJECT	yield	legal	128
ignore	-	rule	REJECT	yield	legal	128
ignore	-	ruling	REJECT	yield	legal	128
ignore	-	decree	REJECT	yield	legal	128
celebrate	with	-	CONSULT	-	-	040
break	-	treaty	REJECT	yield	legal	128
break	-	agreement	REJECT	yield	legal	128
break	-	accord	REJECT	yield	legal	128
break	-	pact	REJECT	yield	legal	128
break	-	deal	REJECT	yield	legal	128
break	-	law	REJECT	yield	legal	128
break	-	resolution	REJECT	yield	legal	128
break	down	treaty	REJECT	yield	legal	128
break	down	agreement	REJECT	yield	legal	128
break	down	accord	REJECT	yield	legal	128
break	down	pact	REJECT	yield	legal	128
break	down	deal	REJECT	yield	legal	128
break	down	law	REJECT	yield	legal	128
break	down	resolution	REJECT	yield	legal	128
violate	-	treaty	REJECT	yield	legal	128
violate	-	agreement	REJECT	yield	legal	128
violate	-	accord	REJECT	yield	legal	128
violate	-	pact	REJECT	yield	legal	128
violate	-	deal	REJECT	yield	legal	128
violate	-	law	REJECT	yield	legal	128
violate	-	resolution	REJECT	yield	legal	128
breach	-	treaty	REJECT	yield	legal	128
breach	-	agreement	REJECT	yield	legal	128
breach	-	accord	REJECT	yield	legal	128
breach	-	pact	REJECT	yield	legal	128
breach	-	deal	REJECT	yield	legal	128
breach	-	law	REJECT	yield	legal	128
breach	-	resolution	REJECT	yield	legal	128
break	-	ceasefire	ASSAULT	-	military	196
break	-	cease-fire	ASSAULT	-	military	196
break	-	truce	ASSAULT	-	military	196
break	-	armistice	ASSAULT	-	military	196
violate	-	ceasefire	ASSAULT	-	military	196
violate	-	cease-fire	ASSAULT	-	military	196
violate	-	truce	ASSAULT	-	military	196
violate	-	armistice	ASSAULT	-	military	196
breach	-	ceasefire	ASSAULT	-	military	196
breach	-	cease-fire	ASSAULT	-	military	196
breach	-	truce	ASSAULT	-	military	196
breach	-	armistice	ASSAULT	-	military	196
grab	-	gold	-	-	-	-
grab	-	silver	-	-	-	-
grab	-	bronze	-	-	-	-
grab	-	medal	-	-	-	-
grab	-	title	-	-	-	-
grab	-	trophy	-	-	-	-
grab	-	cup	-	-	-	-
grab	-	championship	-	-	-	-
grab	-	crown	-	-	-	-
grab	-	lead	-	-	-	-
grab	-	victory	-	-	-	-
grab	-	win	-	-	-	-
grab	-	point	-	-	-	-
grab	-	goal	-	-	-	-
grab	-	prize	-	-	-	-
grab	-	award	-	-	-	-
grab	-	seat	-	-	-	-
grab	-	majority	-	-	-	-
seize	-	gold	-	-	-	-
seize	-	silver	-	-	-	-
seize	-	bronze	-	-	-	-
seize	-	medal	-	-	-	-
seize	-	title	-	-	-	-
seize	-	trophy	-	-	-	-
seize	-	cup	-	-	-	-
seize	-	championship	-	-	-	-
seize	-	crown	-	-	-	-
seize	-	lead	-	-	-	-
seize	-	victory	-	-	-	-
seize	-	win	-	-	-	-
seize	-	point	-	-	-	-
seize	-	goal	-	-	-	-
seize	-	prize	-	-	-	-
seize	-	award	-	-	-	-
seize	-	seat	-	-	-	-
seize	-	majority	-	-	-	-
capture	-	gold	-	-	-	-
capture	-	silver	-	-	-	-
capture	-	bronze	-	-	-	-
capture	-	medal	-	-	-	-
capture	-	title	-	-	-	-
capture	-	trophy	-	-	-	-
capture	-	cup	-	-	-	-
capture	-	championship	-	-	-	-
capture	-	crown	-	-	-	-
capture	-	lead	-	-	-	-
capture	-	victory	-	-	-	-
capture	-	win	-	-	-	-
capture	-	point	-	-	-	-
capture	-	goal	-	-	-	-
capture	-	prize	-	-	-	-
capture	-	award	-	-	-	-
capture	-	seat	-	-	-	-
capture	-	majority	-	-	-	-
take	-	gold	-	-	-	-
take	-	silver	-	-	-	-
take	-	bronze	-	-	-	-
take	-	medal	-	-	-	-
take	-	title	-	-	-	-
take	-	trophy	-	-	-	-
take	-	cup	-	-	-	-
take	-	championship	-	-	-	-
take	-	crown	-	-	-	-
take	-	lead	-	-	-	-
take	-	victory	-	-	-	-
take	-	win	-	-	-	-
take	-	point	-	-	-	-
take	-	goal	-	-	-	-
take	-	prize	-	-	-	-
take	-	award	-	-	-	-
take	-	seat	-	-	-	-
take	-	majority	-	-	-	-
snatch	-	gold	-	-	-	-
snatch	-	silver	-	-	-	-
snatch	-	bronze	-	-	-	-
snatch	-	medal	-	-	-	-
snatch	-	title	-	-	-	-
snatch	-	trophy	-	-	-	-
snatch	-	cup	-	-	-	-
snatch	-	championship	-	-	-	-
snatch	-	crown	-	-	-	-
snatch	-	lead	-	-	-	-
snatch	-	victory	-	-	-	-
snatch	-	win	-	-	-	-
snatch	-	point	-	-	-	-
snatch	-	goal	-	-	-	-
snatch	-	prize	-	-	-	-
snatch	-	award	-	-	-	-
snatch	-	seat	-	-	-	-
snatch	-	majority	-	-	-	-
win	-	gold	-	-	-	-
win	-	silver	-	-	-	-
win	-	bronze	-	-	-	-
win	-	medal	-	-	-	-
win	-	title	-	-	-	-
win	-	trophy	-	-	-	-
win	-	cup	-	-	-	-
win	-	championship	-	-	-	-
win	-	crown	-	-	-	-
win	-	lead	-	-	-	-
win	-	victory	-	-	-	-
win	-	win	-	-	-	-
win	-	point	-	-	-	-
win	-	goal	-	-	-	-
win	-	prize	-	-	-	-
win	-	award	-	-	-	-
win	-	seat	-	-	-	-
win	-	majority	-	-	-	-
clinch	-	gold	-	-	-	-
clinch	-	silver	-	-	-	-
clinch	-	bronze	-	-	-	-
clinch	-	medal	-	-	-	-
clinch	-	title	-	-	-	-
clinch	-	trophy	-	-	-	-
clinch	-	cup	-	-	-	-
clinch	-	championship	-	-	-	-
clinch	-	crown	-	-	-	-
clinch	-	lead	-	-	-	-
clinch	-	victory	-	-	-	-
clinch	-	win	-	-	-	-
clinch	-	point	-	-	-	-
clinch	-	goal	-	-	-	-
clinch	-	prize	-	-	-	-
clinch	-	award	-	-	-	-
clinch	-	seat	-	-	-	-
clinch	-	majority	-	-	-	-
claim	-	gold	-	-	-	-
claim	-	silver	-	-	-	-
claim	-	bronze	-	-	-	-
claim	-	medal	-	-	-	-
claim	-	title	-	-	-	-
claim	-	trophy	-	-	-	-
claim	-	cup	-	-	-	-
claim	-	championship	-	-	-	-
claim	-	crown	-	-	-	-
claim	-	lead	-	-	-	-
claim	-	victory	-	-	-	-
claim	-	win	-	-	-	-
claim	-	point	-	-	-	-
claim	-	goal	-	-	-	-
claim	-	prize	-	-	-	-
claim	-	award	-	-	-	-
claim	-	seat	-	-	-	-
claim	-	majority	-	-	-	-
hand	over	prisoner	RETREAT	release	legal	0841
hand	over	captive	RETREAT	release	legal	0841
hand	over	hostage	RETREAT	release	legal	0841
hand	over	suspect	COOPERATE	-	legal	063
commit	-	-	AGREE	-	diplomatic	030
commit	-	crime	-	-	-	-
commit	-	atrocity	-	-	-	-
commit	-	murder	-	-	-	-
commit	-	suicide	-	-	-	-
commit	-	fraud	-	-	-	-
commit	-	abuse	-	-	-	-
commit	-	violation	-	-	-	-
commit	-	offense	-	-	-	-
commit	-	offence	-	-	-	-
commit	-	act	-	-	-	-
commit	-	genocide	-	-	-	-
halt	-	mediation	SANCTION	withdraw	diplomatic	164
halt	-	talk	SANCTION	withdraw	diplomatic	164
halt	-	negotiation	SANCTION	withdraw	diplomatic	164
halt	-	dialogue	SANCTION	withdraw	diplomatic	164
end	-	mediation	SANCTION	withdraw	diplomatic	164
end	-	talk	SANCTION	withdraw	diplomatic	164
end	-	negotiation	SANCTION	withdraw	diplomatic	164
end	-	dialogue	SANCTION	withdraw	diplomatic	164
suspend	-	mediation	SANCTION	withdraw	diplomatic	164
suspend	-	talk	SANCTION	withdraw	diplomatic	164
suspend	-	negotiation	SANCTION	withdraw	diplomatic	164
suspend	-	dialogue	SANCTION	withdraw	diplomatic	164
stop	-	mediation	SANCTION	withdraw	diplomatic	164
stop	-	talk	SANCTION	withdraw	diplomatic	164
stop	-	negotiation	SANCTION	withdraw	diplomatic	164
stop	-	dialogue	SANCTION	withdraw	diplomatic	164
break	off	mediation	SANCTION	withdraw	diplomatic	164
break	off	talk	SANCTION	withdraw	diplomatic	164
break	off	negotiation	SANCTION	withdraw	diplomatic	164
break	off	dialogue	SANCTION	withdraw	diplomatic	164
abandon	-	mediation	SANCTION	withdraw	diplomatic	164
abandon	-	talk	SANCTION	withdraw	diplomatic	164
abandon	-	negotiation	SANCTION	withdraw	diplomatic	164
abandon	-	dialogue	SANCTION	withdraw	diplomatic	164
freeze	-	mediation	SANCTION	withdraw	diplomatic	164
freeze	-	talk	SANCTION	withdraw	diplomatic	164
freeze	-	negotiation	SANCTION	withdraw	diplomatic	164
freeze	-	dialogue	SANCTION	withdraw	diplomatic	164
send	-	inspector	ACCUSE	investigate	-	09
send	-	investigator	ACCUSE	investigate	-	09
send	-	monitor	ACCUSE	investigate	-	09
send	-	observer	ACCUSE	investigate	-	09
send	-	investigation	ACCUSE	investigate	-	09
send	-	mission	ACCUSE	investigate	-	09
dispatch	-	inspector	ACCUSE	investigate	-	09
dispatch	-	investigator	ACCUSE	investigate	-	09
dispatch	-	monitor	ACCUSE	investigate	-	09
dispatch	-	observer	ACCUSE	investigate	-	09
dispatch	-	investigation	ACCUSE	investigate	-	09
dispatch	-	mission	ACCUSE	investigate	-	09
despatch	-	inspector	ACCUSE	investigate	-	09
despatch	-	investigator	ACCUSE	investigate	-	09
despatch	-	monitor	ACCUSE	investigate	-	09
despatch	-	observer	ACCUSE	investigate	-	09
despatch	-	investigation	ACCUSE	investigate	-	09
despatch	-	mission	ACCUSE	investigate	-	09
deploy	-	inspector	ACCUSE	investigate	-	09
deploy	-	investigator	ACCUSE	investigate	-	09
deploy	-	monitor	ACCUSE	investigate	-	09
deploy	-	observer	ACCUSE	investigate	-	09
deploy	-	investigation	ACCUSE	investigate	-	09
deploy	-	mission	ACCUSE	investigate	-	09
call	off	strike	CONCEDE	-	democracy	082
call	off	protest	CONCEDE	-	democracy	082
call	off	demonstration	CONCEDE	-	democracy	082
call	off	boycott	CONCEDE	-	democracy	082
call	off	rally	CONCEDE	-	democracy	082
call	off	march	CONCEDE	-	democracy	082
upgrade	-	tie	SUPPORT	-	diplomatic	050
upgrade	-	relation	SUPPORT	-	diplomatic	050
upgrade	-	relationship	SUPPORT	-	diplomatic	050
strengthen	-	tie	SUPPORT	-	diplomatic	050
strengthen	-	relation	SUPPORT	-	diplomatic	050
strengthen	-	relationship	SUPPORT	-	diplomatic	050
normalize	-	tie	SUPPORT	-	diplomatic	050
normalize	-	relation	SUPPORT	-	diplomatic	050
normalize	-	relationship	SUPPORT	-	diplomatic	050
normalise	-	tie	SUPPORT	-	diplomatic	050
normalise	-	relation	SUPPORT	-	diplomatic	050
normalise	-	relationship	SUPPORT	-	diplomatic	050
improve	-	tie	SUPPORT	-	diplomatic	050
improve	-	relation	SUPPORT	-	diplomatic	050
improve	-	relationship	SUPPORT	-	diplomatic	050
establish	-	tie	SUPPORT	-	diplomatic	050
establish	-	relation	SUPPORT	-	diplomatic	050
establish	-	relationship	SUPPORT	-	diplomatic	050
restore	-	tie	SUPPORT	-	diplomatic	050
restore	-	relation	SUPPORT	-	diplomatic	050
restore	-	relationship	SUPPORT	-	diplomatic	050
resume	-	tie	SUPPORT	-	diplomatic	050
resume	-	relation	SUPPORT	-	diplomatic	050
resume	-	relationship	SUPPORT	-	diplomatic	050
renew	-	tie	SUPPORT	-	diplomatic	050
renew	-	relation	SUPPORT	-	diplomatic	050
renew	-	relationship	SUPPORT	-	diplomatic	050
forge	-	tie	SUPPORT	-	diplomatic	050
forge	-	relation	SUPPORT	-	diplomatic	050
forge	-	relationship	SUPPORT	-	diplomatic	050
deepen	-	tie	SUPPORT	-	diplomatic	050
deepen	-	relation	SUPPORT	-	diplomatic	050
deepen	-	relationship	SUPPORT	-	diplomatic	050
cut	-	tie	SANCTION	withdraw	diplomatic	161
cut	-	relation	SANCTION	withdraw	diplomatic	161
cut	-	relationship	SANCTION	withdraw	diplomatic	161
sever	-	tie	SANCTION	withdraw	diplomatic	161
sever	-	relation	SANCTION	withdraw	diplomatic	161
sever	-	relationship	SANCTION	withdraw	diplomatic	161
break	-	tie	SANCTION	withdraw	diplomatic	161
break	-	relation	SANCTION	withdraw	diplomatic	161
break	-	relationship	SANCTION	withdraw	diplomatic	161
downgrade	-	tie	SANCTION	withdraw	diplomatic	161
downgrade	-	relation	SANCTION	withdraw	diplomatic	161
downgrade	-	relationship	SANCTION	withdraw	diplomatic	161
suspend	-	tie	SANCTION	withdraw	diplomatic	161
suspend	-	relation	SANCTION	withdraw	diplomatic	161
suspend	-	relationship	SANCTION	withdraw	diplomatic	161
freeze	-	tie	SANCTION	withdraw	diplomatic	161
freeze	-	relation	SANCTION	withdraw	diplomatic	161
freeze	-	relationship	SANCTION	withdraw	diplomatic	161
strengthen	-	force	MOBILIZE	troops	military	154
strengthen	-	troop	MOBILIZE	troops	military	154
strengthen	-	soldier	MOBILIZE	troops	military	154
strengthen	-	presence	MOBILIZE	troops	military	154
reinforce	-	force	MOBILIZE	troops	military	154
reinforce	-	troop	MOBILIZE	troops	military	154
reinforce	-	soldier	MOBILIZE	troops	military	154
reinforce	-	presence	MOBILIZE	troops	military	154
boost	-	force	MOBILIZE	troops	military	154
boost	-	troop	MOBILIZE	troops	military	154
boost	-	soldier	MOBILIZE	troops	military	154
boost	-	presence	MOBILIZE	troops	military	154
increase	-	force	MOBILIZE	troops	military	154
increase	-	troop	MOBILIZE	troops	military	154
increase	-	soldier	MOBILIZE	troops	military	154
increase	-	presence	MOBILIZE	troops	military	154
mass	-	force	MOBILIZE	troops	military	154
mass	-	troop	MOBILIZE	troops	military	154
mass	-	soldier	MOBILIZE	troops	military	154
mass	-	presence	MOBILIZE	troops	military	154
build	-	force	MOBILIZE	troops	military	154
build	-	troop	MOBILIZE	troops	military	154
build	-	soldier	MOBILIZE	troops	military	154
build	-	presence	MOBILIZE	troops	military	154
bolster	-	force	MOBILIZE	troops	military	154
bolster	-	troop	MOBILIZE	troops	military	154
bolster	-	soldier	MOBILIZE	troops	military	154
bolster	-	presence	MOBILIZE	troops	military	154
reduce	-	aid	SANCTION	discontinue	human_security	162
reduce	-	assistance	SANCTION	discontinue	human_security	162
reduce	-	supply	SANCTION	discontinue	human_security	162
reduce	-	funding	SANCTION	discontinue	human_security	162
reduce	-	help	SANCTION	discontinue	human_security	162
reduce	-	delivery	SANCTION	discontinue	human_security	162
cut	-	aid	SANCTION	discontinue	human_security	162
cut	-	assistance	SANCTION	discontinue	human_security	162
cut	-	supply	SANCTION	discontinue	human_security	162
cut	-	funding	SANCTION	discontinue	human_security	162
cut	-	help	SANCTION	discontinue	human_security	162
cut	-	delivery	SANCTION	discontinue	human_security	162
halt	-	aid	SANCTION	discontinue	human_security	162
halt	-	assistance	SANCTION	discontinue	human_security	162
halt	-	supply	SANCTION	discontinue	human_security	162
halt	-	funding	SANCTION	discontinue	human_security	162
halt	-	help	SANCTION	discontinue	human_security	162
halt	-	delivery	SANCTION	discontinue	human_security	162
suspend	-	aid	SANCTION	discontinue	human_security	162
suspend	-	assistance	SANCTION	discontinue	human_security	162
suspend	-	supply	SANCTION	discontinue	human_security	162
suspend	-	funding	SANCTION	discontinue	human_security	162
suspend	-	help	SANCTION	discontinue	human_security	162
suspend	-	delivery	SANCTION	discontinue	human_security	162
stop	-	aid	SANCTION	discontinue	human_security	162
stop	-	assistance	SANCTION	discontinue	human_security	162
stop	-	supply	SANCTION	discontinue	human_security	162
stop	-	funding	SANCTION	discontinue	human_security	162
stop	-	help	SANCTION	discontinue	human_security	162
stop	-	delivery	SANCTION	discontinue	human_security	162
freeze	-	aid	SANCTION	discontinue	human_security	162
freeze	-	assistance	SANCTION	discontinue	human_security	162
freeze	-	supply	SANCTION	discontinue	human_security	162
freeze	-	funding	SANCTION	discontinue	human_security	162
freeze	-	help	SANCTION	discontinue	human_security	162
freeze	-	delivery	SANCTION	discontinue	human_security	162
withhold	-	aid	SANCTION	discontinue	human_security	162
withhold	-	assistance	SANCTION	discontinue	human_security	162
withhold	-	supply	SANCTION	discontinue	human_security	162
withhold	-	funding	SANCTION	discontinue	human_security	162
withhold	-	help	SANCTION	discontinue	human_security	162
withhold	-	delivery	SANCTION	discontinue	human_security	162
end	-	aid	SANCTION	discontinue	human_security	162
end	-	assistance	SANCTION	discontinue	human_security	162
end	-	supply	SANCTION	discontinue	human_security	162
end	-	funding	SANCTION	discontinue	human_security	162
end	-	help	SANCTION	discontinue	human_security	162
end	-	delivery	SANCTION	discontinue	human_security	162
withdraw	-	inspector	SANCTION	withdraw	diplomatic	166
withdraw	-	observer	SANCTION	withdraw	diplomatic	166
withdraw	-	diplomat	SANCTION	withdraw	diplomatic	166
withdraw	-	ambassador	SANCTION	withdraw	diplomatic	166
withdraw	-	envoy	SANCTION	withdraw	diplomatic	166
withdraw	-	monitor	SANCTION	withdraw	diplomatic	166
withdraw	-	worker	SANCTION	withdraw	diplomatic	166
withdraw	-	staff	SANCTION	withdraw	diplomatic	166
withdraw	-	peacekeeper	SANCTION	withdraw	diplomatic	166
withdraw	-	mission	SANCTION	withdraw	diplomatic	166
withdraw	-	aid	SANCTION	withdraw	diplomatic	166
pull	out	inspector	SANCTION	withdraw	diplomatic	166
pull	out	observer	SANCTION	withdraw	diplomatic	166
pull	out	diplomat	SANCTION	withdraw	diplomatic	166
pull	out	ambassador	SANCTION	withdraw	diplomatic	166
pull	out	envoy	SANCTION	withdraw	diplomatic	166
pull	out	monitor	SANCTION	withdraw	diplomatic	166
pull	out	worker	SANCTION	withdraw	diplomatic	166
pull	out	staff	SANCTION	withdraw	diplomatic	166
pull	out	peacekeeper	SANCTION	withdraw	diplomatic	166
pull	out	mission	SANCTION	withdraw	diplomatic	166
pull	out	aid	SANCTION	withdraw	diplomatic	166
recall	-	inspector	SANCTION	withdraw	diplomatic	166
recall	-	observer	SANCTION	withdraw	diplomatic	166
recall	-	diplomat	SANCTION	withdraw	diplomatic	166
recall	-	ambassador	SANCTION	withdraw	diplomatic	166
recall	-	envoy	SANCTION	withdraw	diplomatic	166
recall	-	monitor	SANCTION	withdraw	diplomatic	166
recall	-	worker	SANCTION	withdraw	diplomatic	166
recall	-	staff	SANCTION	withdraw	diplomatic	166
recall	-	peacekeeper	SANCTION	withdraw	diplomatic	166
recall	-	mission	SANCTION	withdraw	diplomatic	166
recall	-	aid	SANCTION	withdraw	diplomatic	166
file	-	protest	ACCUSE	allege	diplomatic	114
make	-	protest	ACCUSE	allege	diplomatic	114
"""


@dataclass(frozen=True)
class Entry:
    lemma: str
    prep: str  # "-" = none required
    obj: str  # "-" = none required
    event_type: str  # "-" = no event
    mode: str
    context: str
    cameo: str
    source: str  # curated | cameo

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.lemma, self.prep, self.obj)

    def row(self) -> str:
        return "\t".join(
            (
                self.lemma,
                self.prep,
                self.obj,
                self.event_type,
                self.mode,
                self.context,
                self.cameo,
                self.source,
            )
        )


# --------------------------------------------------------------------------
# CAMEO -> PLOVER


def read_cameo2plover(path: Path) -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER type, mode, context), as the table lists them."""
    table: dict[str, tuple[str, str, str]] = {}
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        match = re.match(r"^(\d+):\s*(.*)$", line)
        if not match:
            continue
        code, rest = match.groups()
        parts = [p.strip() for p in rest.split(",")]
        event_type = parts[0].upper()
        if event_type not in PLOVER_TYPES:
            continue
        mode = parts[1].replace(" ", "") if len(parts) > 1 else ""
        context = parts[2].split(";")[0].strip() if len(parts) > 2 else ""
        table.setdefault(code, (event_type, mode, context))
    return table


def plover_of(code: str, table: dict[str, tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The PLOVER (type, mode, context) of a CAMEO code, or None if PLOVER drops it."""
    if code.startswith("163"):
        return ("SANCTION", "discontinue", "economic")
    if code.startswith("01"):
        return None
    lookup = "10" + code[2:] if code.startswith("02") else code
    for end in range(len(lookup), 1, -1):
        hit = table.get(lookup[:end])
        if hit is not None:
            return hit
    return None


# --------------------------------------------------------------------------
# the CAMEO 2.0 verb dictionary


_CODE = re.compile(r"\[([^\]]*)\]")


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    current: str | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("&"):
            current = line.split()[0].rstrip("_")
            sets[current] = []
        elif line.startswith("+") and current is not None:
            sets[current].append(line[1:].strip())
        elif not line:
            continue
        else:
            current = None
    return sets


def _items(text: str) -> list[str]:
    """Pattern text -> items: words, {groups}, (groups), &SETS, markers."""
    return re.findall(r"\([^)]*\)|\{[^}]*\}|[^\s(){}]+", text)


def _head_words(item: str, synsets: dict[str, list[str]]) -> list[str]:
    """The head word(s) an object item stands for (a set expands to its members)."""
    if item.startswith("{"):
        words = item[1:-1].split()
        return _head_words(words[-1], synsets) if words else []
    if item.startswith("&"):
        members = synsets.get(item.rstrip("_"), [])
        out: list[str] = []
        for m in members:
            out.extend(_head_words(m, synsets))
        return out
    word = item.strip("_").split("_")[-1].lower()
    if word in NOT_OBJECTS or not re.fullmatch(r"[a-z][a-z'-]*", word):
        return []
    return [word]


@dataclass
class Pattern:
    prep: str
    objs: list[str]
    code: str
    partial: bool


def parse_pattern(text: str, synsets: dict[str, list[str]]) -> tuple[Pattern | None, list[str]]:
    """A ``- ... * ... [code] # VERBS`` line -> (pattern or None, verbs it names)."""
    body, _, comment = text[1:].partition("#")
    named = [v.strip().upper() for v in comment.replace(",", " ").split() if v.strip()]
    named = [v for v in named if re.fullmatch(r"[A-Z_\-]+", v)]
    codes = _CODE.findall(body)
    if not codes or "*" not in body:
        return None, named
    code = codes[-1].strip()
    body = _CODE.sub(" ", body)
    pre, _, post = body.partition("*")
    if pre.strip() not in ("", "$"):
        return None, named  # constrains the subject
    if ":" in code:
        code = code.split(":", 1)[0].strip()
        if not code:
            return None, named  # only the reverse event
    if code != "---" and not code.isdigit():
        return None, named
    items = [i for i in _items(post) if i not in ("+", "^", "%")]
    if "$" in items:
        return None, named  # the source after the verb: roles reversed
    if not items:
        return None, named
    prep = "-"
    objs: list[str] = []
    first = items[0]
    rest = items[1:]
    if first.startswith("("):
        inner = [i for i in _items(first[1:-1]) if i not in ("+", "^", "$", "%")]
        if not inner or inner[0].lower() not in PREPOSITIONS:
            return None, named
        prep = inner[0].lower()
        if len(inner) > 1:
            objs = _head_words(inner[-1], synsets)
            if not objs:
                return None, named
    else:
        if first.lower() in PARTICLES or first.lower() in PREPOSITIONS:
            if not rest:
                return Pattern(first.lower(), [], code, partial=False), named
            prep, first = first.lower(), rest[0]
            rest = rest[1:]
        if first.startswith("("):
            return None, named
        objs = _head_words(first, synsets)
        if not objs:
            return None, named
    return Pattern(prep, objs, code, partial=bool(rest)), named


def _verb_lemma(word: str) -> tuple[str, str, str] | None:
    """A verb-line word -> (lemma, prep, object); None for inflected forms."""
    parts = [p for p in word.lower().split("_") if p]
    if not parts or not re.fullmatch(r"[a-z][a-z-]*", parts[0]):
        return None
    lemma = parts[0]
    if len(parts) == 1:
        return (lemma, "-", "-")
    if lemma.endswith("ed") and len(parts) == 2 and parts[1] == "by":
        return None  # "ANGERED_BY": a passive form, not a lemma
    second = parts[1]
    if second in PARTICLES or second in PREPOSITIONS:
        obj = stem(parts[-1]) if len(parts) > 2 else "-"
        return (lemma, second, obj)
    return (lemma, "-", stem(parts[-1]))


def cameo_entries(
    cameo: Path, table: dict[str, tuple[str, str, str]]
) -> tuple[list[Entry], Counter[str]]:
    lines = cameo.read_text("utf-8", errors="replace").splitlines()
    marker = next(i for i, line in enumerate(lines) if "VERB PATTERNS" in line)
    synsets = read_synsets(lines[:marker])
    stats: Counter[str] = Counter()
    candidates: dict[tuple[str, str, str], list[tuple[int, Entry]]] = defaultdict(list)

    def add(lemma: str, prep: str, obj: str, code: str, rank: int) -> None:
        if code in ("---", ""):
            entry = Entry(lemma, prep, obj, "-", "-", "-", "-", "cameo")
        else:
            plover = plover_of(code, table)
            if plover is None:
                stats["dropped (CAMEO 01 or unmapped)"] += 1
                return
            event_type, mode, context = plover
            entry = Entry(lemma, prep, obj, event_type, mode or "-", context or "-", code, "cameo")
        candidates[entry.key].append((rank, entry))

    i = marker + 1
    block_code = "---"
    block_name = ""
    verbs: list[tuple[str, tuple[str, str, str]]] = []  # (VERB word, lemma key)
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("---"):
            codes = _CODE.findall(line)
            block_code = codes[0].strip() if codes else "---"
            block_name = line.strip("- ").split()[0].upper() if line.strip("- ") else ""
            verbs = []
            continue
        if line.startswith("~~"):
            break
        if line.startswith("-"):
            pattern, named = parse_pattern(line, synsets)
            if pattern is None:
                stats["patterns left out"] += 1
                continue
            stats["patterns used"] += 1
            targets = [v for v in verbs if v[0] in named] or verbs
            for _word, (lemma, vprep, _vobj) in targets:
                prep = pattern.prep if pattern.prep != "-" else vprep
                for obj in pattern.objs or ["-"]:
                    obj_key = stem(obj) if obj != "-" else "-"
                    add(lemma, prep, obj_key, pattern.code, 1 if pattern.partial else 0)
            continue
        # a verb line: WORD [{forms}] [code]
        text = line.split("#", 1)[0]
        code_match = _CODE.search(text)
        own = code_match.group(1).strip().split(":")[0].strip() if code_match else ""
        text = re.sub(r"\{[^}]*\}", " ", _CODE.sub(" ", text)).strip()
        if not text:
            continue
        word = text.split()[0].lstrip("+")
        lemma_key = _verb_lemma(word)
        if lemma_key is None:
            continue
        verbs.append((word.upper(), lemma_key))
        # The block's code is the default of its head verb only: the other verbs of a
        # block are WordNet synonyms ("TAKE" under SEIZE) and need a pattern or a code
        # of their own.
        inherits = word.upper() == block_name or lemma_key[0] not in GENERIC_VERBS
        code = own or (block_code if inherits else "")
        if code and code != "---":
            add(*lemma_key, code, 2)
        elif block_code not in ("", "---") and not own:
            stats["generic synonym verbs without a default"] += 1
    entries = []
    for key in sorted(candidates):
        options = sorted(candidates[key], key=lambda x: x[0])
        best_rank = options[0][0]
        best = [e for r, e in options if r == best_rank]
        # the most frequent PLOVER type among equally specific patterns, then the first
        types = Counter(e.event_type for e in best)
        top = max(types.values())
        chosen = next(e for e in best if types[e.event_type] == top)
        entries.append(chosen)
    return entries, stats


def light_verb_entries() -> list[Entry]:
    """Every light verb with every event noun, then the pairs that differ."""
    out = []
    nouns = [line.split("\t") for line in EVENT_NOUNS.strip().splitlines()]
    for verb, prep in LIGHT_VERBS:
        for noun, event_type, mode, context, cameo in nouns:
            out.append(Entry(verb, prep, stem(noun), event_type, mode, context, cameo, "curated"))
    for line in LIGHT_PAIRS.strip().splitlines():
        verb, prep, noun, event_type, mode, context, cameo = line.split("\t")
        out.append(Entry(verb, prep, stem(noun), event_type, mode, context, cameo, "curated"))
    return out


def curated_entries() -> list[Entry]:
    out = light_verb_entries()
    for line in CURATED.strip().splitlines():
        cols = line.split("\t")
        if len(cols) != 7:
            raise SystemExit(f"bad curated line: {line!r}")
        lemma, prep, obj, event_type, mode, context, cameo = cols
        event_type = event_type.rstrip("!")
        if event_type != "-" and event_type not in PLOVER_TYPES:
            raise SystemExit(f"bad type in curated line: {line!r}")
        obj = stem(obj) if obj != "-" else "-"
        out.append(Entry(lemma, prep, obj, event_type, mode, context, cameo, "curated"))
    return out


HEADER = """\
# stancewatch verb lexicon. GENERATED by scripts/build_verbs.py: do not edit by hand.
# From the CAMEO 2.0 verb dictionary (openeventdata/petrarch2, MIT, (c) 2015 Open Event Data
# Alliance) mapped through CAMEO2PLOVER-2021 (openeventdata/PLOVER), plus a curated block;
# see processors/data/README.md.
# Columns: lemma, prep (a required preposition/particle child, "-" = none), object (a required
# object head, plural-folded, "-" = none), event_type ("-" = no event), mode, context, cameo, source
"""


def locks() -> dict[tuple[str, str], str]:
    """(lemma, prep) -> type, for curated entries marked ``TYPE!``."""
    out = {}
    for line in CURATED.strip().splitlines():
        lemma, prep, _obj, event_type, *_ = line.split("\t")
        if event_type.endswith("!"):
            out[(lemma, prep)] = event_type.rstrip("!")
    return out


def build(shared: Path) -> tuple[list[Entry], Counter[str]]:
    table = read_cameo2plover(shared / "data" / "plover" / "CAMEO2PLOVER-2021.txt")
    generated, stats = cameo_entries(shared / "data" / "phoenix" / "CAMEO.2.0.txt", table)
    locked = locks()
    kept = []
    for e in generated:
        lock = locked.get((e.lemma, e.prep))
        if lock is not None and e.event_type not in (lock, "-"):
            stats["cameo entries overridden by a curated type lock"] += 1
            continue
        kept.append(e)
    generated = kept
    merged: dict[tuple[str, str, str], Entry] = {e.key: e for e in generated}
    for entry in curated_entries():
        merged[entry.key] = entry
    stats["entries (curated)"] = sum(1 for e in merged.values() if e.source == "curated")
    stats["entries (cameo)"] = sum(1 for e in merged.values() if e.source == "cameo")
    return [merged[k] for k in sorted(merged)], stats


def rows(entries: list[Entry]) -> Iterator[str]:
    yield "lemma\tprep\tobject\tevent_type\tmode\tcontext\tcameo\tsource"
    for e in entries:
        yield e.row()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "processors" / "data")
    parser.add_argument("--verbose", action="store_true", help="print counts")
    args = parser.parse_args(argv)
    entries, stats = build(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "verbs.tsv").write_text(HEADER + "\n".join(rows(entries)) + "\n", "utf-8")
    if args.verbose:
        for key, value in sorted(stats.items()):
            print(f"{key}: {value}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
