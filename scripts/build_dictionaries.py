#!/usr/bin/env python3
"""Build the shipped actor and agent dictionaries of stancewatch.

    python scripts/build_dictionaries.py --shared ../shared --out processors/data

Reads the Phoenix (PETRARCH, 2014) dictionaries under
``<shared>/data/phoenix`` and writes ``actors.tsv``, ``persons.actors`` and
``agents.tsv`` (formats documented in ``processors/gazetteer.py`` and
``processors/data/README.md``) to ``--out``. The output is deterministic: the
same inputs give byte-identical files.

What comes from Phoenix:

* ``Phoenix.Countries.actors.txt``: the country blocks (names, spelling
  variants, demonyms and capitals listed as synonyms; other cities, provinces,
  rivers and nicknames listed there are dropped, as are foreign-language names
  that do not resemble the English ones), dependencies folded into their
  controlling state as PLOVER does, and the undated national-institution blocks
  (``[USAMIL]``, ``[RUSGOV]``...) go to ``actors.tsv``. The persons (the
  ``CountryInfo`` blocks: leaders, ministers, officials with dated roles) go to
  ``persons.actors`` (PETRARCH format, dated codes kept), with their country
  codes only (a block with an IGO or other non-country code is dropped). The
  dictionary stops in 2014, so an open-ended role (``[DZAGOV >990427]``) is
  closed at the end of 2014 and every person gets an undated default of their
  country's elite (``ELI``, as Phoenix gives most of them): a 2026 article
  codes Bouteflika as DZA ELI, not as today's government. Only names of two
  words or more are kept ("Bill Clinton", "President Clinton"; not "Hassan",
  which names a dozen people), and a name that two countries claim, or that
  ``actors.tsv`` already has, is dropped.
* ``Phoenix.International.actors.txt``: the organisations whose Phoenix code
  maps to a well-known IGO/NGO (``gazetteer.PHOENIX_IGO_CODES``), minus
  people, plus the well-known NGOs recognised by name. Multinational companies
  and the thousands of minor NGOs are left out.
* ``Phoenix.agents.txt``: role nouns, CAMEO sectors mapped to PLOVER ones.

What comes from this script (the curated block, kept below as data): every
country's names, capital(s) and demonyms, metonyms (the Kremlin, the White
House...), IGOs/NGOs, a few non-state armed groups, current office-holders
(2026) and the core role nouns. Curated entries win over Phoenix ones.

Entries that are junk for news text are dropped: one-word Phoenix forms that
are common lower-case English words (measured on the news sentences of
``<shared>/eval/newsmtsc_*.jsonl`` plus spaCy's stop words), forms with
parentheses or commas, and names claimed by two different codes (ambiguous).
Curated one-word entries that are also common words must be listed in
``gazetteer.COMMON_WORDS``, which makes the gazetteer match them only when
capitalised; the build fails otherwise.
"""

# The curated tables below are data: one country or organisation per line.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from processors.gazetteer import (  # noqa: E402
    COMMON_WORDS,
    COUNTRY_CODES,
    KINDS,
    PLOVER_SECTORS,
    DatedCode,
    PetrarchActorBlock,
    agent_sector,
    igo_code,
    normalize,
    parse_petrarch_actors,
    parse_petrarch_agents,
    split_code,
)


def word_set(text: str) -> set[str]:
    """The whitespace-separated words of a block of text."""
    return set(text.split())


# =============================================================================
# Curated data
# =============================================================================

# ISO3 | names | capitals (seat of government first) | demonyms.  ";" separates
# alternatives. Sovereign states plus the PLOVER exceptions (HKG, PSE, KOS).
# Ambiguous capitals are left out on purpose: Victoria (SYC), Male (MDV), San
# Jose (CRI), St John's (ATG), Kingstown/Kingston are kept. Brussels is coded as
# Belgium's capital, not as an EU metonym (see README).
COUNTRIES = """
AFG | Afghanistan; Islamic Republic of Afghanistan; Islamic Emirate of Afghanistan | Kabul | Afghan; Afghans
ALB | Albania; Republic of Albania | Tirana; Tirane | Albanian; Albanians
DZA | Algeria; People's Democratic Republic of Algeria | Algiers | Algerian; Algerians
AND | Andorra; Principality of Andorra | Andorra la Vella | Andorran; Andorrans
AGO | Angola; Republic of Angola | Luanda | Angolan; Angolans
ATG | Antigua and Barbuda; Antigua | | Antiguan; Antiguans
ARG | Argentina; Argentine Republic | Buenos Aires | Argentine; Argentines; Argentinian; Argentinians; Argentinean; Argentineans
ARM | Armenia; Republic of Armenia | Yerevan | Armenian; Armenians
AUS | Australia; Commonwealth of Australia | Canberra | Australian; Australians; Aussie; Aussies
AUT | Austria; Republic of Austria | Vienna | Austrian; Austrians
AZE | Azerbaijan; Republic of Azerbaijan | Baku | Azerbaijani; Azerbaijanis; Azeri; Azeris
BHS | Bahamas; The Bahamas; Commonwealth of The Bahamas | Nassau | Bahamian; Bahamians
BHR | Bahrain; Kingdom of Bahrain | Manama | Bahraini; Bahrainis
BGD | Bangladesh; People's Republic of Bangladesh | Dhaka; Dacca | Bangladeshi; Bangladeshis
BRB | Barbados | Bridgetown | Barbadian; Barbadians; Bajan; Bajans
BLR | Belarus; Republic of Belarus; Byelorussia; Belorussia | Minsk | Belarusian; Belarusians; Belarussian; Belarussians; Byelorussian
BEL | Belgium; Kingdom of Belgium | Brussels | Belgian; Belgians
BLZ | Belize | Belmopan | Belizean; Belizeans
BEN | Benin; Republic of Benin | Porto-Novo; Cotonou | Beninese; Beninois
BTN | Bhutan; Kingdom of Bhutan | Thimphu | Bhutanese
BOL | Bolivia; Plurinational State of Bolivia | La Paz; Sucre | Bolivian; Bolivians
BIH | Bosnia and Herzegovina; Bosnia-Herzegovina; Bosnia | Sarajevo | Bosnian; Bosnians; Herzegovinian
BWA | Botswana; Republic of Botswana | Gaborone | Botswanan; Motswana; Batswana
BRA | Brazil; Federative Republic of Brazil | Brasilia | Brazilian; Brazilians
BRN | Brunei; Brunei Darussalam | Bandar Seri Begawan | Bruneian; Bruneians
BGR | Bulgaria; Republic of Bulgaria | Sofia | Bulgarian; Bulgarians
BFA | Burkina Faso; Burkina | Ouagadougou | Burkinabe; Burkinabes
BDI | Burundi; Republic of Burundi | Gitega; Bujumbura | Burundian; Burundians
CPV | Cape Verde; Cabo Verde | Praia | Cape Verdean; Cape Verdeans; Cabo Verdean; Cabo Verdeans
KHM | Cambodia; Kingdom of Cambodia; Kampuchea | Phnom Penh | Cambodian; Cambodians; Kampuchean; Kampucheans
CMR | Cameroon; Republic of Cameroon | Yaounde | Cameroonian; Cameroonians
CAN | Canada | Ottawa | Canadian; Canadians
CAF | Central African Republic; CAR | Bangui | Central African; Central Africans
TCD | Chad; Republic of Chad | N'Djamena; Ndjamena | Chadian; Chadians
CHL | Chile; Republic of Chile | Santiago | Chilean; Chileans
CHN | China; People's Republic of China; PRC; P.R.C.; Mainland China | Beijing; Peking | Chinese
COL | Colombia; Republic of Colombia | Bogota | Colombian; Colombians
COM | Comoros; Union of the Comoros | Moroni | Comoran; Comorian; Comorians
COG | Republic of the Congo; Republic of Congo; Congo-Brazzaville; Congo Republic; Congo | Brazzaville |
COD | Democratic Republic of the Congo; Democratic Republic of Congo; DR Congo; DRC; D.R.C.; Congo-Kinshasa; Zaire | Kinshasa | Congolese
CRI | Costa Rica; Republic of Costa Rica | | Costa Rican; Costa Ricans
CIV | Ivory Coast; Cote d'Ivoire; Republic of Cote d'Ivoire | Yamoussoukro; Abidjan | Ivorian; Ivorians
HRV | Croatia; Republic of Croatia | Zagreb | Croatian; Croatians; Croat; Croats
CUB | Cuba; Republic of Cuba | Havana | Cuban; Cubans
CYP | Cyprus; Republic of Cyprus | Nicosia | Cypriot; Cypriots
CZE | Czech Republic; Czechia | Prague | Czech; Czechs
DNK | Denmark; Kingdom of Denmark | Copenhagen | Danish; Dane; Danes
DJI | Djibouti; Republic of Djibouti | | Djiboutian; Djiboutians
DMA | Dominica; Commonwealth of Dominica | Roseau |
DOM | Dominican Republic | Santo Domingo | Dominican; Dominicans
ECU | Ecuador; Republic of Ecuador | Quito | Ecuadorian; Ecuadorians; Ecuadorean; Ecuadoreans
EGY | Egypt; Arab Republic of Egypt | Cairo | Egyptian; Egyptians
SLV | El Salvador; Republic of El Salvador | San Salvador | Salvadoran; Salvadorans; Salvadorean; Salvadoreans
GNQ | Equatorial Guinea; Republic of Equatorial Guinea | Malabo | Equatorial Guinean; Equatoguinean
ERI | Eritrea; State of Eritrea | Asmara | Eritrean; Eritreans
EST | Estonia; Republic of Estonia | Tallinn | Estonian; Estonians
SWZ | Eswatini; Kingdom of Eswatini; Swaziland | Mbabane; Lobamba | Swazi; Swazis
ETH | Ethiopia; Federal Democratic Republic of Ethiopia | Addis Ababa | Ethiopian; Ethiopians
FJI | Fiji; Republic of Fiji | Suva | Fijian; Fijians
FIN | Finland; Republic of Finland | Helsinki | Finnish; Finn; Finns
FRA | France; French Republic | Paris | French; Frenchman; Frenchmen; Frenchwoman; Frenchwomen
GAB | Gabon; Gabonese Republic | Libreville | Gabonese
GMB | Gambia; The Gambia; Republic of The Gambia | Banjul | Gambian; Gambians
GEO | Georgia; Republic of Georgia | Tbilisi | Georgian; Georgians
DEU | Germany; Federal Republic of Germany | Berlin | German; Germans
GHA | Ghana; Republic of Ghana | Accra | Ghanaian; Ghanaians
GRC | Greece; Hellenic Republic | Athens | Greek; Greeks
GRD | Grenada | St. George's; Saint George's | Grenadian; Grenadians
GTM | Guatemala; Republic of Guatemala | Guatemala City | Guatemalan; Guatemalans
GIN | Guinea; Republic of Guinea; Guinea-Conakry | Conakry | Guinean; Guineans
GNB | Guinea-Bissau; Republic of Guinea-Bissau | Bissau | Bissau-Guinean; Bissau-Guineans
GUY | Guyana; Co-operative Republic of Guyana | Georgetown | Guyanese
HTI | Haiti; Republic of Haiti | Port-au-Prince | Haitian; Haitians
VAT | Vatican; Vatican City; Holy See | |
HND | Honduras; Republic of Honduras | Tegucigalpa | Honduran; Hondurans
HUN | Hungary | Budapest | Hungarian; Hungarians
ISL | Iceland | Reykjavik | Icelandic; Icelander; Icelanders
IND | India; Republic of India; Bharat | New Delhi | Indian; Indians
IDN | Indonesia; Republic of Indonesia | Jakarta | Indonesian; Indonesians
IRN | Iran; Islamic Republic of Iran | Tehran; Teheran | Iranian; Iranians
IRQ | Iraq; Republic of Iraq | Baghdad | Iraqi; Iraqis
IRL | Ireland; Republic of Ireland; Eire | Dublin | Irish; Irishman; Irishmen
ISR | Israel; State of Israel | Jerusalem | Israeli; Israelis
ITA | Italy; Italian Republic | Rome | Italian; Italians
JAM | Jamaica | Kingston | Jamaican; Jamaicans
JPN | Japan | Tokyo | Japanese
JOR | Jordan; Hashemite Kingdom of Jordan | Amman | Jordanian; Jordanians
KAZ | Kazakhstan; Republic of Kazakhstan | Astana; Nur-Sultan | Kazakh; Kazakhs; Kazakhstani; Kazakhstanis
KEN | Kenya; Republic of Kenya | Nairobi | Kenyan; Kenyans
KIR | Kiribati; Republic of Kiribati | Tarawa; South Tarawa |
PRK | North Korea; Democratic People's Republic of Korea; DPRK; D.P.R.K. | Pyongyang | North Korean; North Koreans
KOR | South Korea; Republic of Korea; ROK | Seoul | South Korean; South Koreans
KOS | Kosovo; Republic of Kosovo | Pristina; Prishtina | Kosovar; Kosovars; Kosovan; Kosovans
KWT | Kuwait; State of Kuwait | Kuwait City | Kuwaiti; Kuwaitis
KGZ | Kyrgyzstan; Kyrgyz Republic; Kirghizia | Bishkek | Kyrgyz; Kyrgyzstani; Kyrgyzstanis
LAO | Laos; Lao PDR; Lao People's Democratic Republic | Vientiane | Laotian; Laotians
LVA | Latvia; Republic of Latvia | Riga | Latvian; Latvians
LBN | Lebanon; Lebanese Republic | Beirut | Lebanese
LSO | Lesotho; Kingdom of Lesotho | Maseru | Basotho; Mosotho
LBR | Liberia; Republic of Liberia | Monrovia | Liberian; Liberians
LBY | Libya; State of Libya | Tripoli | Libyan; Libyans
LIE | Liechtenstein; Principality of Liechtenstein | Vaduz | Liechtensteiner; Liechtensteiners
LTU | Lithuania; Republic of Lithuania | Vilnius | Lithuanian; Lithuanians
LUX | Luxembourg; Grand Duchy of Luxembourg | | Luxembourger; Luxembourgers; Luxembourgish
MDG | Madagascar; Republic of Madagascar | Antananarivo | Malagasy
MWI | Malawi; Republic of Malawi | Lilongwe | Malawian; Malawians
MYS | Malaysia | Kuala Lumpur; Putrajaya | Malaysian; Malaysians
MDV | Maldives; Republic of Maldives | | Maldivian; Maldivians
MLI | Mali; Republic of Mali | Bamako | Malian; Malians
MLT | Malta; Republic of Malta | Valletta | Maltese
MHL | Marshall Islands; Republic of the Marshall Islands | Majuro | Marshallese
MRT | Mauritania; Islamic Republic of Mauritania | Nouakchott | Mauritanian; Mauritanians
MUS | Mauritius; Republic of Mauritius | Port Louis | Mauritian; Mauritians
MEX | Mexico; United Mexican States | Mexico City | Mexican; Mexicans
FSM | Micronesia; Federated States of Micronesia | Palikir | Micronesian; Micronesians
MDA | Moldova; Republic of Moldova; Moldavia | Chisinau | Moldovan; Moldovans
MCO | Monaco; Principality of Monaco | | Monegasque; Monegasques
MNG | Mongolia | Ulaanbaatar; Ulan Bator | Mongolian; Mongolians
MNE | Montenegro | Podgorica | Montenegrin; Montenegrins
MAR | Morocco; Kingdom of Morocco | Rabat | Moroccan; Moroccans
MOZ | Mozambique; Republic of Mozambique | Maputo | Mozambican; Mozambicans
MMR | Myanmar; Burma; Republic of the Union of Myanmar | Naypyidaw; Nay Pyi Taw; Naypyitaw; Yangon; Rangoon | Burmese
NAM | Namibia; Republic of Namibia | Windhoek | Namibian; Namibians
NRU | Nauru; Republic of Nauru | Yaren | Nauruan; Nauruans
NPL | Nepal; Federal Democratic Republic of Nepal | Kathmandu; Katmandu; Khatmandu | Nepali; Nepalis; Nepalese
NLD | Netherlands; The Netherlands; Kingdom of the Netherlands; Holland | Amsterdam; The Hague | Dutch; Dutchman; Dutchmen
NZL | New Zealand; Aotearoa | Wellington | New Zealander; New Zealanders
NIC | Nicaragua; Republic of Nicaragua | Managua | Nicaraguan; Nicaraguans
NER | Niger; Republic of Niger | Niamey | Nigerien; Nigeriens
NGA | Nigeria; Federal Republic of Nigeria | Abuja | Nigerian; Nigerians
MKD | North Macedonia; Republic of North Macedonia; Macedonia; FYROM | Skopje | Macedonian; Macedonians; North Macedonian; North Macedonians
NOR | Norway; Kingdom of Norway | Oslo | Norwegian; Norwegians
OMN | Oman; Sultanate of Oman | Muscat | Omani; Omanis
PAK | Pakistan; Islamic Republic of Pakistan | Islamabad | Pakistani; Pakistanis
PLW | Palau; Republic of Palau | Ngerulmud | Palauan; Palauans
PSE | Palestine; State of Palestine; Palestinian territories; occupied Palestinian territories; Occupied Territories; Gaza; Gaza Strip; West Bank | Ramallah; East Jerusalem | Palestinian; Palestinians
PAN | Panama; Republic of Panama | Panama City | Panamanian; Panamanians
PNG | Papua New Guinea; PNG | Port Moresby | Papua New Guinean; Papua New Guineans
PRY | Paraguay; Republic of Paraguay | Asuncion | Paraguayan; Paraguayans
PER | Peru; Republic of Peru | Lima | Peruvian; Peruvians
PHL | Philippines; The Philippines; Republic of the Philippines | Manila | Filipino; Filipinos; Filipina; Filipinas; Philippine
POL | Poland; Republic of Poland | Warsaw | Polish; Pole; Poles
PRT | Portugal; Portuguese Republic | Lisbon | Portuguese
QAT | Qatar; State of Qatar | Doha | Qatari; Qataris
ROU | Romania | Bucharest | Romanian; Romanians
RUS | Russia; Russian Federation | Moscow | Russian; Russians
RWA | Rwanda; Republic of Rwanda | Kigali | Rwandan; Rwandans
KNA | Saint Kitts and Nevis; St Kitts and Nevis; St. Kitts and Nevis | Basseterre | Kittitian; Kittitians
LCA | Saint Lucia; St Lucia; St. Lucia | Castries | Saint Lucian; Saint Lucians; St Lucian
VCT | Saint Vincent and the Grenadines; St Vincent and the Grenadines; St. Vincent and the Grenadines | Kingstown | Vincentian; Vincentians
WSM | Samoa; Independent State of Samoa | Apia | Samoan; Samoans
SMR | San Marino; Republic of San Marino | | Sammarinese
STP | Sao Tome and Principe | Sao Tome |
SAU | Saudi Arabia; Kingdom of Saudi Arabia; KSA | Riyadh | Saudi; Saudis; Saudi Arabian; Saudi Arabians
SEN | Senegal; Republic of Senegal | Dakar | Senegalese
SRB | Serbia; Republic of Serbia | Belgrade | Serbian; Serbians; Serb; Serbs
SYC | Seychelles; Republic of Seychelles | | Seychellois
SLE | Sierra Leone; Republic of Sierra Leone | Freetown | Sierra Leonean; Sierra Leoneans
SGP | Singapore; Republic of Singapore | | Singaporean; Singaporeans
SVK | Slovakia; Slovak Republic | Bratislava | Slovak; Slovaks; Slovakian; Slovakians
SVN | Slovenia; Republic of Slovenia | Ljubljana | Slovenian; Slovenians; Slovene; Slovenes
SLB | Solomon Islands | Honiara | Solomon Islander; Solomon Islanders
SOM | Somalia; Federal Republic of Somalia | Mogadishu | Somali; Somalis
ZAF | South Africa; Republic of South Africa | Pretoria; Cape Town; Bloemfontein | South African; South Africans
SSD | South Sudan; Republic of South Sudan | Juba | South Sudanese
ESP | Spain; Kingdom of Spain | Madrid | Spanish; Spaniard; Spaniards
LKA | Sri Lanka; Democratic Socialist Republic of Sri Lanka; Ceylon | Sri Jayawardenepura Kotte; Colombo | Sri Lankan; Sri Lankans
SDN | Sudan; Republic of the Sudan; The Sudan | Khartoum | Sudanese
SUR | Suriname; Surinam; Republic of Suriname | Paramaribo | Surinamese
SWE | Sweden; Kingdom of Sweden | Stockholm | Swedish; Swede; Swedes
CHE | Switzerland; Swiss Confederation | Bern; Berne | Swiss
SYR | Syria; Syrian Arab Republic | Damascus | Syrian; Syrians
TWN | Taiwan; Republic of China; ROC | Taipei | Taiwanese
TJK | Tajikistan; Republic of Tajikistan | Dushanbe | Tajik; Tajiks; Tajikistani
TZA | Tanzania; United Republic of Tanzania | Dodoma; Dar es Salaam | Tanzanian; Tanzanians
THA | Thailand; Kingdom of Thailand | Bangkok | Thai; Thais
TLS | East Timor; Timor-Leste; Timor Leste; Democratic Republic of Timor-Leste | Dili | East Timorese; Timorese
TGO | Togo; Togolese Republic | Lome | Togolese
TON | Tonga; Kingdom of Tonga | Nuku'alofa | Tongan; Tongans
TTO | Trinidad and Tobago; Trinidad | Port of Spain | Trinidadian; Trinidadians; Tobagonian; Tobagonians
TUN | Tunisia; Tunisian Republic | Tunis | Tunisian; Tunisians
TUR | Turkey; Turkiye; Republic of Turkey; Republic of Turkiye | Ankara | Turkish; Turk; Turks
TKM | Turkmenistan | Ashgabat; Ashkhabad | Turkmen; Turkmens
TUV | Tuvalu | Funafuti | Tuvaluan; Tuvaluans
UGA | Uganda; Republic of Uganda | Kampala | Ugandan; Ugandans
UKR | Ukraine; The Ukraine | Kyiv; Kiev | Ukrainian; Ukrainians
ARE | United Arab Emirates; UAE; U.A.E. | Abu Dhabi | Emirati; Emiratis
GBR | United Kingdom; UK; U.K.; Britain; Great Britain; United Kingdom of Great Britain and Northern Ireland; England; Scotland; Wales; Northern Ireland | London | British; Briton; Britons; Brit; Brits
USA | United States; United States of America; US; U.S.; USA; U.S.A.; America | Washington; Washington DC; Washington D.C. | American; Americans
URY | Uruguay; Oriental Republic of Uruguay | Montevideo | Uruguayan; Uruguayans
UZB | Uzbekistan; Republic of Uzbekistan | Tashkent | Uzbek; Uzbeks; Uzbekistani
VUT | Vanuatu; Republic of Vanuatu | Port Vila | Ni-Vanuatu
VEN | Venezuela; Bolivarian Republic of Venezuela | Caracas | Venezuelan; Venezuelans
VNM | Vietnam; Viet Nam; Socialist Republic of Vietnam | Hanoi | Vietnamese
YEM | Yemen; Republic of Yemen | Sanaa; Sana'a | Yemeni; Yemenis
ZMB | Zambia; Republic of Zambia | Lusaka | Zambian; Zambians
ZWE | Zimbabwe; Republic of Zimbabwe | Harare | Zimbabwean; Zimbabweans
HKG | Hong Kong; Hong Kong SAR | | Hong Konger; Hong Kongers; Hongkonger; Hongkongers
"""

# Dependencies and territories folded into their controlling state (PLOVER:
# "all dependencies ... are (re)assigned to the country name of their
# controlling state"; Hong Kong, Palestine and Kosovo keep their own codes).
DEPENDENCY_FOLD: dict[str, str] = {
    "ABW": "NLD", "AIA": "GBR", "ALA": "FIN", "ASM": "USA", "ATF": "FRA", "BES": "NLD",
    "BLM": "FRA", "BMU": "GBR", "BVT": "NOR", "CCK": "AUS", "COK": "NZL", "CUW": "NLD",
    "CXR": "AUS", "CYM": "GBR", "ESH": "MAR", "FLK": "GBR", "FRO": "DNK", "GGY": "GBR",
    "GIB": "GBR", "GLP": "FRA", "GRL": "DNK", "GUF": "FRA", "GUM": "USA", "HMD": "AUS",
    "IMN": "GBR", "IOT": "GBR", "JEY": "GBR", "MAC": "CHN", "MAF": "FRA", "MNP": "USA",
    "MSR": "GBR", "MTQ": "FRA", "MYT": "FRA", "NCL": "FRA", "NFK": "AUS", "NIU": "NZL",
    "PCN": "GBR", "PRI": "USA", "PYF": "FRA", "REU": "FRA", "SGS": "GBR", "SHN": "GBR",
    "SJM": "NOR", "SPM": "FRA", "SXM": "NLD", "TCA": "GBR", "TKL": "NZL", "UMI": "USA",
    "VGB": "GBR", "VIR": "USA", "WLF": "FRA",
}  # fmt: skip

# Phoenix codes that are typos or private codes (found in the 2014 file).
PHOENIX_CODE_FIXES: dict[str, str] = {
    "TMP": "TLS",  # Timor-Leste coded TMP (pre-2002 ISO) throughout
    "KSV": "KOS",  # Kosovo: Phoenix uses the World Bank code, PLOVER uses KOS
    "XKX": "KOS",
    "GBRIMY": "GBRIMN",  # Isle of Man
    "FRNWLF": "FRAWLF",  # Wallis and Futuna
}

# (name, code, sector) metonyms: places standing for a government or its arms.
METONYMS: list[tuple[str, str, str | None]] = [
    ("the Kremlin", "RUS", "GOV"),
    ("Kremlin", "RUS", "GOV"),
    ("the White House", "USA", "GOV"),
    ("White House", "USA", "GOV"),
    ("the Oval Office", "USA", "GOV"),
    ("the Pentagon", "USA", "MIL"),
    ("Pentagon", "USA", "MIL"),
    ("the State Department", "USA", "GOV"),
    ("State Department", "USA", "GOV"),
    ("Foggy Bottom", "USA", "GOV"),
    ("Capitol Hill", "USA", "LEG"),
    ("Downing Street", "GBR", "GOV"),
    ("Number 10", "GBR", "GOV"),
    ("Whitehall", "GBR", "GOV"),
    ("the Foreign Office", "GBR", "GOV"),
    ("Foreign Office", "GBR", "GOV"),
    ("Westminster", "GBR", "LEG"),
    ("the Elysee", "FRA", "GOV"),
    ("Elysee Palace", "FRA", "GOV"),
    ("Quai d'Orsay", "FRA", "GOV"),
    ("Matignon", "FRA", "GOV"),
    ("Zhongnanhai", "CHN", "GOV"),
    ("Bankova", "UKR", "GOV"),
    ("the Chancellery", "DEU", "GOV"),
    ("Kasumigaseki", "JPN", "GOV"),
    ("Malacanang", "PHL", "GOV"),
    ("Malacanang Palace", "PHL", "GOV"),
    ("Blue House", "KOR", "GOV"),
    ("Rashtrapati Bhavan", "IND", "GOV"),
    ("South Block", "IND", "GOV"),
    ("Raisina Hill", "IND", "GOV"),
]

# (name, code, sector) national institutions and non-state groups (kind org).
ORGS: list[tuple[str, str, str | None]] = [
    # legislatures
    ("State Duma", "RUS", "LEG"),
    ("Duma", "RUS", "LEG"),
    ("Federation Council", "RUS", "LEG"),
    ("Verkhovna Rada", "UKR", "LEG"),
    ("Rada", "UKR", "LEG"),
    ("Knesset", "ISR", "LEG"),
    ("Bundestag", "DEU", "LEG"),
    ("Bundesrat", "DEU", "LEG"),
    ("National People's Congress", "CHN", "LEG"),
    ("US Congress", "USA", "LEG"),
    ("U.S. Congress", "USA", "LEG"),
    ("US Senate", "USA", "LEG"),
    ("U.S. Senate", "USA", "LEG"),
    ("House of Representatives", "USA", "LEG"),
    ("House of Commons", "GBR", "LEG"),
    ("House of Lords", "GBR", "LEG"),
    ("Lok Sabha", "IND", "LEG"),
    ("Rajya Sabha", "IND", "LEG"),
    ("National Diet", "JPN", "LEG"),
    ("Sejm", "POL", "LEG"),
    ("Grand National Assembly of Turkey", "TUR", "LEG"),
    ("Islamic Consultative Assembly", "IRN", "LEG"),
    # executives, ministries
    ("Palestinian Authority", "PSE", "GOV"),
    ("Palestinian National Authority", "PSE", "GOV"),
    ("Palestine Liberation Organization", "PSE", "GOV"),
    ("PLO", "PSE", "GOV"),
    ("State Council", "CHN", "GOV"),
    ("Communist Party of China", "CHN", "GOV"),
    ("Chinese Communist Party", "CHN", "GOV"),
    ("CCP", "CHN", "GOV"),
    ("CPC", "CHN", "GOV"),
    ("Chinese foreign ministry", "CHN", "GOV"),
    ("Russian foreign ministry", "RUS", "GOV"),
    ("Russian Defence Ministry", "RUS", "MIL"),
    ("Russian Defense Ministry", "RUS", "MIL"),
    ("Ukrainian foreign ministry", "UKR", "GOV"),
    ("Department of State", "USA", "GOV"),
    ("Department of Defense", "USA", "MIL"),
    ("Department of War", "USA", "MIL"),
    ("Defense Department", "USA", "MIL"),
    ("US military", "USA", "MIL"),
    ("U.S. military", "USA", "MIL"),
    ("Foreign, Commonwealth and Development Office", "GBR", "GOV"),
    ("FCDO", "GBR", "GOV"),
    ("Ministry of Foreign Affairs of the People's Republic of China", "CHN", "GOV"),
    ("Guardian Council", "IRN", "GOV"),
    # armed forces, security services
    ("People's Liberation Army", "CHN", "MIL"),
    ("PLA", "CHN", "MIL"),
    ("Israel Defense Forces", "ISR", "MIL"),
    ("Israel Defence Forces", "ISR", "MIL"),
    ("IDF", "ISR", "MIL"),
    ("Islamic Revolutionary Guard Corps", "IRN", "MIL"),
    ("Revolutionary Guards", "IRN", "MIL"),
    ("IRGC", "IRN", "MIL"),
    ("Quds Force", "IRN", "MIL"),
    ("Armed Forces of Ukraine", "UKR", "MIL"),
    ("Ukrainian Armed Forces", "UKR", "MIL"),
    ("Russian Armed Forces", "RUS", "MIL"),
    ("Sudanese Armed Forces", "SDN", "MIL"),
    ("Mossad", "ISR", "SPY"),
    ("Shin Bet", "ISR", "SPY"),
    ("CIA", "USA", "SPY"),
    ("Central Intelligence Agency", "USA", "SPY"),
    ("FBI", "USA", "COP"),
    ("FSB", "RUS", "SPY"),
    ("Federal Security Service", "RUS", "SPY"),
    ("GRU", "RUS", "SPY"),
    ("SBU", "UKR", "SPY"),
    ("Security Service of Ukraine", "UKR", "SPY"),
    ("MI6", "GBR", "SPY"),
    ("MI5", "GBR", "SPY"),
    ("GCHQ", "GBR", "SPY"),
    ("Inter-Services Intelligence", "PAK", "SPY"),
    ("ISI", "PAK", "SPY"),
    ("Africa Corps", "RUS", "PRM"),
    ("Wagner Group", "RUS", "PRM"),
    ("Wagner", "RUS", "PRM"),
    # non-state armed groups and movements
    ("Hamas", "PSE", "REB"),
    ("Islamic Resistance Movement", "PSE", "REB"),
    ("Qassam Brigades", "PSE", "REB"),
    ("Palestinian Islamic Jihad", "PSE", "REB"),
    ("Islamic Jihad", "PSE", "REB"),
    ("Fatah", "PSE", "PTY"),
    ("Hezbollah", "LBN", "REB"),
    ("Hizbollah", "LBN", "REB"),
    ("Hizbullah", "LBN", "REB"),
    ("Hizballah", "LBN", "REB"),
    ("Houthis", "YEM", "REB"),
    ("Houthi", "YEM", "REB"),
    ("Houthi rebels", "YEM", "REB"),
    ("Ansar Allah", "YEM", "REB"),
    ("Ansarallah", "YEM", "REB"),
    ("Taliban", "AFG", "GOV"),  # de facto government since August 2021
    ("PKK", "TUR", "REB"),
    ("Kurdistan Workers' Party", "TUR", "REB"),
    ("Kurdistan Workers Party", "TUR", "REB"),
    ("Kurdistan Regional Government", "IRQ", "GOV"),
    ("KRG", "IRQ", "GOV"),
    ("Peshmerga", "IRQ", "MIL"),
    ("Syrian Democratic Forces", "SYR", "REB"),
    ("SDF", "SYR", "REB"),
    ("M23", "COD", "REB"),
    ("March 23 Movement", "COD", "REB"),
    ("Rapid Support Forces", "SDN", "REB"),
    ("al-Shabaab", "SOM", "REB"),
    ("al-Shabab", "SOM", "REB"),
    ("Boko Haram", "NGA", "REB"),
    ("Tehrik-i-Taliban Pakistan", "PAK", "REB"),
    ("Baloch Liberation Army", "PAK", "REB"),
]

# (code, kind, names) international organisations and NGOs.
IGOS: list[tuple[str, str, list[str]]] = [
    (
        "UN",
        "igo",
        [
            "United Nations",
            "UN",
            "U.N.",
            "UNO",
            "United Nations Organization",
            "UN Security Council",
            "U.N. Security Council",
            "United Nations Security Council",
            "Security Council",
            "UNSC",
            "UN General Assembly",
            "U.N. General Assembly",
            "United Nations General Assembly",
            "General Assembly",
            "UNGA",
            "UN Secretariat",
            "UN Human Rights Council",
            "U.N. Human Rights Council",
            "UNHRC",
            "United Nations Human Rights Council",
            "UN peacekeepers",
            "U.N. peacekeepers",
            "UNIFIL",
            "MONUSCO",
            "UNMISS",
            "UN Women",
            "UNDP",
            "United Nations Development Programme",
            "UNESCO",
            "UNEP",
            "OCHA",
            "UN Office for the Coordination of Humanitarian Affairs",
            "UNFPA",
            "UNCTAD",
            "IPCC",
            "Intergovernmental Panel on Climate Change",
            "UNFCCC",
        ],
    ),
    (
        "UNHCR",
        "igo",
        [
            "UNHCR",
            "UN refugee agency",
            "U.N. refugee agency",
            "United Nations High Commissioner for Refugees",
            "Office of the United Nations High Commissioner for Refugees",
        ],
    ),
    (
        "OHCHR",
        "igo",
        [
            "OHCHR",
            "UN human rights office",
            "U.N. human rights office",
            "Office of the High Commissioner for Human Rights",
            "Office of the United Nations High Commissioner for Human Rights",
        ],
    ),
    ("UNICEF", "igo", ["UNICEF", "United Nations Children's Fund", "UN children's agency"]),
    (
        "UNRWA",
        "igo",
        [
            "UNRWA",
            "United Nations Relief and Works Agency",
            "UN agency for Palestinian refugees",
            "U.N. agency for Palestinian refugees",
        ],
    ),
    ("WFP", "igo", ["World Food Programme", "World Food Program", "WFP"]),
    ("WHO", "igo", ["World Health Organization", "World Health Organisation", "WHO"]),
    (
        "IAEA",
        "igo",
        [
            "International Atomic Energy Agency",
            "IAEA",
            "UN nuclear watchdog",
            "U.N. nuclear watchdog",
        ],
    ),
    ("ICJ", "igo", ["International Court of Justice", "ICJ", "World Court"]),
    ("ICC", "igo", ["International Criminal Court", "ICC"]),
    (
        "ILO",
        "igo",
        ["International Labour Organization", "International Labor Organization", "ILO"],
    ),
    ("FAO", "igo", ["Food and Agriculture Organization", "FAO"]),
    ("IOM", "igo", ["International Organization for Migration", "IOM"]),
    ("WTO", "igo", ["World Trade Organization", "World Trade Organisation", "WTO"]),
    ("IMF", "igo", ["International Monetary Fund", "IMF"]),
    ("WBG", "igo", ["World Bank", "World Bank Group"]),
    (
        "NATO",
        "igo",
        [
            "NATO",
            "North Atlantic Treaty Organization",
            "North Atlantic Treaty Organisation",
            "the Atlantic Alliance",
            "North Atlantic Alliance",
            "North Atlantic Council",
        ],
    ),
    (
        "EU",
        "igo",
        [
            "European Union",
            "EU",
            "E.U.",
            "European Commission",
            "EU Commission",
            "European Council",
            "Council of the European Union",
            "European Parliament",
            "European External Action Service",
            "EEAS",
            "European Community",
            "European Communities",
            "European Economic Community",
            "EEC",
        ],
    ),
    ("ECB", "igo", ["European Central Bank", "ECB"]),
    ("COE", "igo", ["Council of Europe"]),
    (
        "OSCE",
        "igo",
        [
            "OSCE",
            "Organization for Security and Co-operation in Europe",
            "Organization for Security and Cooperation in Europe",
        ],
    ),
    ("AU", "igo", ["African Union", "AU", "A.U.", "African Union Commission"]),
    ("ECOWAS", "igo", ["ECOWAS", "Economic Community of West African States"]),
    ("SADC", "igo", ["SADC", "Southern African Development Community"]),
    ("EAC", "igo", ["East African Community"]),
    ("IGAD", "igo", ["IGAD", "Intergovernmental Authority on Development"]),
    (
        "ASEAN",
        "igo",
        [
            "ASEAN",
            "Association of Southeast Asian Nations",
            "Association of South East Asian Nations",
        ],
    ),
    ("APEC", "igo", ["APEC", "Asia-Pacific Economic Cooperation"]),
    ("SCO", "igo", ["Shanghai Cooperation Organisation", "Shanghai Cooperation Organization"]),
    ("BRICS", "igo", ["BRICS"]),
    ("G7", "igo", ["G7", "G-7", "Group of Seven"]),
    ("G20", "igo", ["G20", "G-20", "Group of 20", "Group of Twenty"]),
    (
        "OPEC",
        "igo",
        [
            "OPEC",
            "Organization of the Petroleum Exporting Countries",
            "Organization of Petroleum Exporting Countries",
        ],
    ),
    ("LAS", "igo", ["Arab League", "League of Arab States"]),
    (
        "GCC",
        "igo",
        ["Gulf Cooperation Council", "GCC", "Cooperation Council for the Arab States of the Gulf"],
    ),
    (
        "OIC",
        "igo",
        [
            "Organisation of Islamic Cooperation",
            "Organization of Islamic Cooperation",
            "Organization of the Islamic Conference",
            "OIC",
        ],
    ),
    ("OAS", "igo", ["Organization of American States", "OAS"]),
    ("CSTO", "igo", ["Collective Security Treaty Organization", "CSTO"]),
    ("CIS", "igo", ["Commonwealth of Independent States", "CIS"]),
    ("INTERPOL", "igo", ["Interpol", "International Criminal Police Organization"]),
    (
        "OECD",
        "igo",
        [
            "OECD",
            "Organisation for Economic Co-operation and Development",
            "Organization for Economic Cooperation and Development",
        ],
    ),
    ("IEA", "igo", ["International Energy Agency"]),
    ("ADB", "igo", ["Asian Development Bank"]),
    ("EBRD", "igo", ["European Bank for Reconstruction and Development", "EBRD"]),
    (
        "OPCW",
        "igo",
        [
            "Organisation for the Prohibition of Chemical Weapons",
            "Organization for the Prohibition of Chemical Weapons",
            "OPCW",
        ],
    ),
    ("ICRC", "ngo", ["International Committee of the Red Cross", "ICRC", "Red Cross"]),
    (
        "IFRC",
        "ngo",
        [
            "International Federation of Red Cross and Red Crescent Societies",
            "IFRC",
            "Red Crescent",
        ],
    ),
    ("AMNESTY", "ngo", ["Amnesty International", "Amnesty"]),
    ("HRW", "ngo", ["Human Rights Watch", "HRW"]),
    ("MSF", "ngo", ["Medecins Sans Frontieres", "Doctors Without Borders", "MSF"]),
    ("RSF", "ngo", ["Reporters Without Borders", "Reporters Sans Frontieres"]),
    ("CPJ", "ngo", ["Committee to Protect Journalists", "CPJ"]),
    ("GREENPEACE", "ngo", ["Greenpeace", "Greenpeace International"]),
    ("OXFAM", "ngo", ["Oxfam", "Oxfam International"]),
    ("SCI", "ngo", ["Save the Children", "Save the Children International"]),
    ("TI", "ngo", ["Transparency International"]),
    ("ICG", "ngo", ["International Crisis Group", "Crisis Group"]),
    ("NRC", "ngo", ["Norwegian Refugee Council"]),
    ("IRC", "ngo", ["International Rescue Committee"]),
    ("CARITAS", "ngo", ["Caritas", "Caritas Internationalis"]),
    ("WORLDVISION", "ngo", ["World Vision"]),
    ("CARTER", "ngo", ["Carter Center", "The Carter Center"]),
]

# Office-holders as of 2026 (kind person). (code, sector, names): the first
# name is the full one; family names alone only where unambiguous in the news.
PERSONS: list[tuple[str, str | None, list[str]]] = [
    ("CHN", "GOV", ["Xi Jinping", "Xi", "President Xi"]),
    ("CHN", "GOV", ["Li Qiang"]),
    ("CHN", "GOV", ["Wang Yi"]),
    ("CHN", "GOV", ["Mao Ning"]),
    ("CHN", "GOV", ["Lin Jian"]),
    ("CHN", "GOV", ["Guo Jiakun"]),
    ("RUS", "GOV", ["Vladimir Putin", "Putin", "Vladimir Vladimirovich Putin", "President Putin"]),
    ("RUS", "GOV", ["Sergei Lavrov", "Sergey Lavrov", "Lavrov"]),
    ("RUS", "GOV", ["Dmitry Peskov", "Dmitri Peskov", "Peskov"]),
    ("RUS", "GOV", ["Maria Zakharova", "Zakharova"]),
    ("RUS", "GOV", ["Mikhail Mishustin", "Mishustin"]),
    ("RUS", "GOV", ["Andrei Belousov", "Andrey Belousov", "Belousov"]),
    ("RUS", "GOV", ["Sergei Shoigu", "Sergey Shoigu", "Shoigu"]),
    ("RUS", "GOV", ["Dmitry Medvedev", "Dmitri Medvedev", "Medvedev"]),
    (
        "UKR",
        "GOV",
        [
            "Volodymyr Zelensky",
            "Volodymyr Zelenskyy",
            "Volodymyr Zelenskiy",
            "Zelensky",
            "Zelenskyy",
            "Zelenskiy",
            "President Zelensky",
        ],
    ),
    ("UKR", "GOV", ["Andrii Sybiha", "Andriy Sybiha", "Sybiha"]),
    ("USA", "GOV", ["Donald Trump", "Donald J. Trump", "Trump", "President Trump"]),
    ("USA", "GOV", ["JD Vance", "J.D. Vance", "Vance"]),
    ("USA", "GOV", ["Marco Rubio", "Rubio"]),
    ("USA", "GOV", ["Pete Hegseth", "Hegseth"]),
    ("FRA", "GOV", ["Emmanuel Macron", "Macron", "President Macron"]),
    ("GBR", "GOV", ["Keir Starmer", "Starmer"]),
    ("DEU", "GOV", ["Friedrich Merz", "Merz"]),
    ("DEU", "GOV", ["Johann Wadephul", "Wadephul"]),
    ("DEU", "GOV", ["Frank-Walter Steinmeier", "Steinmeier"]),
    ("ITA", "GOV", ["Giorgia Meloni", "Meloni"]),
    ("ESP", "GOV", ["Pedro Sanchez"]),
    ("POL", "GOV", ["Donald Tusk", "Tusk"]),
    ("HUN", "GOV", ["Viktor Orban", "Orban"]),
    ("TUR", "GOV", ["Recep Tayyip Erdogan", "Tayyip Erdogan", "Erdogan", "President Erdogan"]),
    ("TUR", "GOV", ["Hakan Fidan", "Fidan"]),
    ("IND", "GOV", ["Narendra Modi", "Modi", "Prime Minister Modi"]),
    ("IND", "GOV", ["Subrahmanyam Jaishankar", "S. Jaishankar", "Jaishankar"]),
    ("ISR", "GOV", ["Benjamin Netanyahu", "Netanyahu", "Bibi Netanyahu"]),
    ("ISR", "GOV", ["Isaac Herzog"]),
    ("ISR", "GOV", ["Israel Katz"]),
    ("ISR", "GOV", ["Gideon Saar", "Gideon Sa'ar"]),
    ("IRN", "GOV", ["Ali Khamenei", "Ayatollah Ali Khamenei", "Ayatollah Khamenei", "Khamenei"]),
    ("IRN", "GOV", ["Masoud Pezeshkian", "Pezeshkian"]),
    ("IRN", "GOV", ["Abbas Araghchi", "Araghchi"]),
    ("PRK", "GOV", ["Kim Jong Un", "Kim Jong-un"]),
    ("PRK", "GOV", ["Kim Yo Jong", "Kim Yo-jong"]),
    ("KOR", "GOV", ["Lee Jae-myung", "Lee Jae Myung"]),
    ("TWN", "GOV", ["Lai Ching-te", "William Lai"]),
    ("PSE", "GOV", ["Mahmoud Abbas"]),
    ("SYR", "GOV", ["Ahmed al-Sharaa", "Ahmad al-Sharaa", "al-Sharaa", "Sharaa"]),
    (
        "SAU",
        "GOV",
        ["Mohammed bin Salman", "Mohammad bin Salman", "Crown Prince Mohammed bin Salman"],
    ),
    (
        "EGY",
        "GOV",
        [
            "Abdel Fattah al-Sisi",
            "Abdel Fattah el-Sisi",
            "Abdel-Fattah el-Sissi",
            "Sisi",
            "el-Sisi",
            "al-Sisi",
        ],
    ),
    ("PAK", "GOV", ["Shehbaz Sharif"]),
    ("PAK", "GOV", ["Asif Ali Zardari", "Zardari"]),
    ("BRA", "GOV", ["Luiz Inacio Lula da Silva", "Lula da Silva", "Lula"]),
    ("ARG", "GOV", ["Javier Milei", "Milei"]),
    ("MEX", "GOV", ["Claudia Sheinbaum", "Sheinbaum"]),
    ("CAN", "GOV", ["Mark Carney"]),
    ("AUS", "GOV", ["Anthony Albanese"]),
    ("ZAF", "GOV", ["Cyril Ramaphosa", "Ramaphosa"]),
    ("NGA", "GOV", ["Bola Tinubu", "Bola Ahmed Tinubu", "Tinubu"]),
    ("KEN", "GOV", ["William Ruto", "Ruto"]),
    ("RWA", "GOV", ["Paul Kagame", "Kagame"]),
    ("COD", "GOV", ["Felix Tshisekedi", "Tshisekedi"]),
    ("ETH", "GOV", ["Abiy Ahmed"]),
    ("IDN", "GOV", ["Prabowo Subianto", "Prabowo"]),
    ("PHL", "GOV", ["Ferdinand Marcos Jr.", "Ferdinand Marcos Jr", "Bongbong Marcos"]),
    ("MYS", "GOV", ["Anwar Ibrahim"]),
    ("BLR", "GOV", ["Alexander Lukashenko", "Alexander Lukashenka", "Lukashenko"]),
    ("AZE", "GOV", ["Ilham Aliyev", "Aliyev"]),
    ("ARM", "GOV", ["Nikol Pashinyan", "Pashinyan"]),
    ("KAZ", "GOV", ["Kassym-Jomart Tokayev", "Tokayev"]),
    ("CIV", "GOV", ["Alassane Ouattara", "Ouattara"]),
    ("UGA", "GOV", ["Yoweri Museveni", "Museveni"]),
    ("UN", None, ["Antonio Guterres", "Guterres"]),
    ("NATO", None, ["Mark Rutte", "Rutte"]),
    ("EU", None, ["Ursula von der Leyen", "von der Leyen"]),
    ("EU", None, ["Kaja Kallas", "Kallas"]),
    ("EU", None, ["Antonio Costa"]),
    ("IAEA", None, ["Rafael Grossi", "Rafael Mariano Grossi", "Grossi"]),
    ("WHO", None, ["Tedros Adhanom Ghebreyesus", "Tedros"]),
    ("IMF", None, ["Kristalina Georgieva", "Georgieva"]),
]

# Normalised Phoenix names never to keep: people hidden in institution
# blocks, stale or wrong codings (al-Jawlani as a rebel, Assad as government),
# and generic phrases that name no particular country's institution.
DROP_NAMES = {
    normalize(n)
    for n in """
    DENG XIAOPING|DENG XIAO PING|REFORMER DENG XIAOPING|SIDDARAMAIAH|HOSSEIN SHARIATMADARI|
    MOHAMMED ALI ALLAHDADI|MASOUD BARZANI|MESUD BARZANI|KURDISTAN PUK|SAMIR GEAGEA|
    SAMIR FARID GEAGEA|ALBIN KURTI|ABU MOHAMMAD AL JAWLANI|ABU MOHAMMAD AL-JAWLANI|
    ABU MOHAMMAD AL-JOULANI|ABU MOHAMMAD AL-GOLANI|ABU MUHAMMAD AL-JOULANI|AL-JOULANI|JOULANI|
    ABU MUHAMMAD AL JOULANI|AL JOULANI|ABU BASSIR AL JEBLAWI|SALIM IDRIS|SELIM IDRISS|
    ABU ABDUL 'AZIZ AL-QATARI|MICHEL KILO|ABDULRAZAK EID|ABDUL RAZZAK EID|ABDUL RAZAQ EID|
    ABDEL RAZZAK EID|ABDUL RAZZAQ EID|ABD AL RAZZAQ 'ID|ABU KHAHLID AL SURI|ABU ABDULLAH AL HAMAWI|
    ABU OBEIDA AL BINNISHI|AHMED ABU ISSA|ABU HUSSEIN AL DIK|BASHAR AL-ASSAD|ASSAD|ASSAD GOVERNMENT|
    ASSAD REGIME|MR ASSAD|MR. ASSAD|BASHAR ASSAD|AL ASSAD|BASHAR AL ASSAD|ASSAD FORCES|
    FETHULLAH GULEN|GULEN|ERGENEKON|EKMELEDDIN IHSANOGLU|EKMELEDDIN MEHMET IHSANOGLU|
    SELAHATTIN DEMIRTAS|MARIA ALYOKHINA|NADEZHDA TOLOKONNIKOVA|YEKATERINA SAMUTSEVICH|JOHN KIRBY|
    WHITE HOUSE PRESS SECRETARY JAY CARNEY|EDWARD SNOWDEN|SNOWDEN|AHMAD AWAD BIN MUBARAK|
    SUPREME COURT JUSTICES|INTELLIGENCE COMMUNITY|FEDERAL LAW ENFORCEMENT|CENTRAL COMMAND|
    PACIFIC COMMAND|NATIONAL SECURITY COUNCIL|NATIONAL SECURITY COUNCIL STAFF|
    NATIONAL SECURITY STAFF|SECRETARY OF STATE|LEADER OF THE FREE WORLD|WASHINGTON-BASED THINK TANK|
    WASHINGTON-BASED INSTITUTE|PROVINCIAL RECONSTRUCTION TEAM|COALITION HUMANITARIAN LIAISON CELL|
    REICHSTAG|SENATE|DRUG ENFORCEMENT AGENCY|KHORASAN GROUP|DAMASCUS DECLARATION|WEST WING|
    SUPREME COUNCIL OF IRAN|COUNCIL OF EXPERTS|
    INTERNATIONAL ENERGY AGENCY|WESTERN EUROPEAN UNION|ISLAMIC CHAMBER OF COMMERCE AND INDUSTRY|
    WORLD BANK FAMILY NETWORK BOOK PROJECT|UNSCR|UN RESIDENT|UN BODIES|INTERMON|
    ZEALAND|SOVIET OCCUPIED AFGHANISTAN|MAINLAND|GERA|MEXICALI|TAINAN|CHILOE|KENYALAND|BUGANDA|
    'KIRIBAS|BAHRAYNAL BAHRAIN|DROC|CZECHO|BURUNDIS|FIJIS|PALAUS|AUSTRALIAS|CAPE VERDES|BERMUDAS|
    UNITED STATES OF MEXICANS|DOMINIC REPUBLICAN
    """.replace("\n", "").split("|")
    if n.strip()
}

# Words in a Phoenix name that show it names an organisation (not a person).
ORG_WORDS = word_set(
    """
    un united nations organization organisation council commission agency fund program programme
    bank court tribunal assembly secretariat mission union committee office alliance treaty
    community league conference cooperation association panel forces force peacekeeper
    peacekeepers monitor envoy secretary chief bodies rapporteur representative initiative project
    group network president parliament chamber international world european african asian arab
    islamic nato asean eu opec department ministry service institute federation movement
    high commissioner crescent cross doctors reporters without borders frontieres watch amnesty
    """
)

# Role nouns (kind of agents.tsv) that override Phoenix.agents.txt.
AGENTS_CORE: dict[str, str] = {
    "GOV": """spokesperson spokespersons spokespeople spokesman spokesmen spokeswoman spokeswomen
        minister ministers ministry ministries government governments president presidents
        prime_minister prime_ministers premier premiers official officials diplomat diplomats
        foreign_ministry foreign_ministries foreign_minister foreign_ministers ambassador
        ambassadors embassy embassies envoy envoys administration administrations cabinet
        cabinets chancellor chancellors authorities authority regime regimes head_of_state
        heads_of_state vice_president vice_presidents secretary_of_state state_department
        defence_minister defense_minister interior_ministry interior_minister
        foreign_affairs_ministry mfa consulate consulates governor governors mayor mayors
        leader leaders""",
    "MIL": """army armies military militaries troops troop soldier soldiers forces armed_forces
        navy navies air_force air_forces marines servicemen servicemembers service_members
        security_force security_forces defence_forces defense_forces general generals commander
        commanders
        officer_corps army_chief military_officials""",
    "REB": """rebel rebels insurgent insurgents militant militants guerrilla guerrillas guerilla
        guerillas separatist separatists jihadist jihadists""",
    "UAF": "gunman gunmen armed_men",
    "PRM": "paramilitary paramilitaries militia militias",
    "COP": """police policeman policemen policewoman policewomen police_officer police_officers
        riot_police border_police""",
    "OPP": """opposition opposition_leader opposition_leaders opposition_party opposition_parties
        dissident dissidents""",
    "CVL": """protester protesters protestor protestors demonstrator demonstrators activist
        activists civilian civilians resident residents citizen citizens""",
    "LEG": """lawmaker lawmakers legislator legislators parliament parliaments parliamentarian
        parliamentarians mp mps senator senators congressman congressmen congresswoman
        congresswomen legislature legislatures""",
    "JUD": "court courts judge judges prosecutor prosecutors judiciary supreme_court",
    "SPY": """intelligence intelligence_agency intelligence_agencies intelligence_service
        intelligence_services spy spies spy_agency spy_agencies""",
    "JRN": "journalist journalists reporter reporters media newspaper newspapers press",
    "REF": "refugee refugees asylum_seeker asylum_seekers displaced_people",
    "MED": "doctor doctors nurse nurses medic medics health_worker health_workers",
    "EDU": "student students teacher teachers professor professors",
    "LAB": "worker workers trade_union trade_unions labor_union labor_unions",
    "AGR": "farmer farmers",
    "SOC": """ngo ngos rights_group rights_groups aid_group aid_groups charity charities
        civil_society""",
}

# Phoenix role nouns that mislead on news text (or are not roles).
AGENT_DROPS = set(
    """
    actor actors retired deputy deputies man men woman women person persons girl girls
    mother mothers village villages community communities settlement settlements airliner
    airliners jetliner jetliners commercial_jet commercial_jets small_town small_towns
    neighborhood neighbourhood neighborhoods neighbourhoods
    """.replace("_", " ").split()
) | {
    "commercial jet",
    "small town",
    "passenger jet",
    "passenger jets",
    "passenger airliner",
    "passenger airliners",
    "commercial jets",
    "small towns",
}


# =============================================================================
# Building
# =============================================================================


@dataclass(frozen=True)
class Row:
    """One candidate actors.tsv row."""

    name: str
    code: str
    sector: str | None
    kind: str
    source: str  # "curated" or "phoenix"


@dataclass
class Report:
    counts: Counter[str]
    issues: list[str]

    def note(self, what: str, n: int = 1) -> None:
        self.counts[what] += n


def split_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(";") if x.strip()]


@dataclass(frozen=True)
class CountryInfo:
    code: str
    names: tuple[str, ...]
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]


def parse_countries() -> dict[str, CountryInfo]:
    out: dict[str, CountryInfo] = {}
    for line in COUNTRIES.strip().splitlines():
        code, names, capitals, demonyms = (part.strip() for part in line.split("|"))
        if code not in COUNTRY_CODES or code in out:
            raise SystemExit(f"bad or duplicate country code in COUNTRIES: {code}")
        out[code] = CountryInfo(
            code, tuple(split_list(names)), tuple(split_list(capitals)), tuple(split_list(demonyms))
        )
    return out


def common_vocabulary(shared: Path) -> set[str]:
    """Lower-case words of news text: spaCy's stop words plus words seen in lower
    case (not sentence-initially) at least twice in the shared news sentences."""
    from spacy.lang.en.stop_words import STOP_WORDS

    counts: Counter[str] = Counter()
    eval_dir = shared / "eval"
    for path in sorted(eval_dir.glob("newsmtsc_*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                words = re.findall(r"[A-Za-z]+", text)
                counts.update(w for w in words[1:] if w.islower())
    vocab = {w for w, n in counts.items() if n >= 2}
    return vocab | {w.lower() for w in STOP_WORDS}


_ACRONYM_KEEP = re.compile(r"^[A-Z0-9.&'-]+$")
_SMALL_WORDS = {
    "of", "the", "and", "for", "in", "on", "at", "to", "de", "del", "la", "le", "du", "da",
    "des", "von", "van", "al", "el", "bin", "ibn", "y", "e", "et", "a", "an",
}  # fmt: skip
_VOWELS = set("AEIOUY")


def _keep_upper(word: str, bare: str, acronyms: set[str]) -> bool:
    """Whether a word of an upper-case Phoenix name is an acronym (CIA, U.S., MI6)."""
    if bare.upper() in acronyms or any(ch.isdigit() for ch in word):
        return True
    if "." in word and len(bare) <= 3:
        return word.lower().rstrip(".") not in {"st", "gt", "is", "rep"}
    return len(bare) >= 3 and bare.isalpha() and not (set(bare.upper()) & _VOWELS)


def display_name(name: str, acronyms: set[str], kind: str) -> str:
    """Phoenix names are upper case: give them readable casing (acronyms kept)."""
    words = name.split()
    bare_name = name.replace(".", "")
    if kind in {"org", "igo", "ngo"} and len(words) == 1 and len(bare_name) <= 6:
        return name.upper()
    out = []
    for i, word in enumerate(words):
        bare = word.replace(".", "").replace("'", "")
        lower = word.lower()
        if _keep_upper(word, bare, acronyms):
            out.append(word.upper())
        elif i > 0 and lower in _SMALL_WORDS:
            out.append(lower)
        elif "-" in word:
            out.append("-".join(display_name(p, acronyms, "country") for p in word.split("-") if p))
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return " ".join(out)


# Words that may surround a country's name in a longer official form.
STATE_WORDS = word_set(
    """
    republic republics kingdom state states of the democratic peoples people federal federative
    islamic united socialist union commonwealth principality sultanate emirate federation arab
    plurinational bolivarian hashemite grand duchy cooperative co operative independent country
    and rep dem oriental popular republique republica republik du de la el le
    """
)
DEMONYM_ENDINGS = (
    "an", "ans", "ian", "ians", "ese", "ish", "i", "is", "er", "ers", "ois", "ais", "aise",
    "ien", "ienne", "ene", "enes", "ite", "ites",
)  # fmt: skip


def resemblance(form: str, refs: Iterable[str]) -> tuple[float, str]:
    """Best (similarity, reference) of a normalised form against normalised references.

    A form that is a reference surrounded only by state words ("republic of
    croatia") scores 0.95; otherwise difflib's ratio.
    """
    best = (0.0, "")
    words = form.split()
    for ref in refs:
        ref_words = ref.split()
        score = difflib.SequenceMatcher(None, form, ref).ratio()
        n = len(ref_words)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == ref_words and all(
                w in STATE_WORDS for w in words[:i] + words[i + n :]
            ):
                score = max(score, 1.0 if form == ref else 0.95)
        if score > best[0] or (score == best[0] and ref < best[1]):
            best = (score, ref)
    return best


def is_demonym_form(form: str, ref: str, ref_is_demonym: bool) -> bool:
    """Whether a form close to ``ref`` reads as a demonym (Croatian, Puerto Rican)."""
    last = form.split()[-1]
    if not last.endswith(DEMONYM_ENDINGS) or last.endswith("stan"):
        return False
    if ref_is_demonym:
        return True
    ref_last = ref.split()[-1]
    return len(last) > len(ref_last) and last.startswith(ref_last[:-1])


def junk_form(name: str) -> str | None:
    """Why a Phoenix surface form is unusable on news text, or None."""
    if any(ch in name for ch in '(),/[]{}+"?'):
        return "punctuation"
    if any(ord(ch) > 0x24F for ch in name):
        return "non-latin script"
    if len(normalize(name).replace(" ", "")) < 2:
        return "too short"
    return None


def fold_code(raw: str) -> str:
    code = PHOENIX_CODE_FIXES.get(raw, raw)
    if len(code) > 3 and code[:3] in PHOENIX_CODE_FIXES:
        code = PHOENIX_CODE_FIXES[code[:3]] + code[3:]
    return code


def phoenix_country_rows(
    blocks: list[PetrarchActorBlock],
    countries: dict[str, CountryInfo],
    report: Report,
    acronyms: set[str],
) -> Iterator[Row]:
    """Rows from Phoenix.Countries.actors.txt."""
    for block in blocks:
        chosen = block.current_code()
        if chosen is None:
            report.note("countries: blocks without a usable code (dropped)")
            continue
        raw = fold_code(chosen.code)
        is_person = "countryinfo" in block.comment.lower()
        bare = len(raw) == 3
        dependency = False
        if bare:
            code = raw
            if code in DEPENDENCY_FOLD:
                dependency = True
                code = DEPENDENCY_FOLD[code]
            sector = None
        elif len(raw) == 6 and raw[:3] in COUNTRY_CODES and raw[3:] in COUNTRY_CODES:
            code, sector, dependency = DEPENDENCY_FOLD.get(raw[3:], raw[:3]), None, True
        else:
            code, sector = split_code(raw)
        if code not in COUNTRY_CODES or (code not in countries and not dependency):
            report.note("countries: blocks with a historical/private code (dropped)")
            continue
        if sector is None and not is_person:
            yield from country_block_rows(
                block, code, countries.get(code), dependency, report, acronyms
            )
            continue
        if is_person or block.has_dates:
            report.note("countries: person/dated blocks (dropped)")
            continue
        if sector not in PLOVER_SECTORS:
            report.note("countries: blocks with an unknown sector (dropped)")
            continue
        for name in block.names:
            yield from checked_row(name, code, sector, "org", report, acronyms, "countries")


def country_block_rows(
    block: PetrarchActorBlock,
    code: str,
    info: CountryInfo | None,
    dependency: bool,
    report: Report,
    acronyms: set[str],
) -> Iterator[Row]:
    names = [normalize(n) for n in info.names] if info else []
    demonyms = [normalize(n) for n in info.demonyms] if info else []
    capitals = {normalize(n) for n in info.capitals} if info else set()
    if dependency:
        names.append(normalize(block.name))
    refs = names + demonyms
    for name in block.names:
        key = normalize(name)
        if key in capitals:
            yield from checked_row(name, code, None, "capital", report, acronyms, "countries")
            continue
        score, ref = resemblance(key, refs)
        if score < 0.8:
            report.note("countries: cities/regions/foreign names in country blocks (dropped)")
            continue
        kind = "demonym" if is_demonym_form(key, ref, ref in demonyms) else "country"
        yield from checked_row(name, code, None, kind, report, acronyms, "countries")


def checked_row(
    name: str,
    code: str,
    sector: str | None,
    kind: str,
    report: Report,
    acronyms: set[str],
    where: str,
) -> Iterator[Row]:
    why = junk_form(name)
    if why is not None:
        report.note(f"{where}: forms with {why} (dropped)")
        return
    if normalize(name) in DROP_NAMES:
        report.note(f"{where}: names on the drop list (dropped)")
        return
    yield Row(display_name(name, acronyms, kind), code, sector, kind, "phoenix")


def looks_like_org(name: str) -> bool:
    words = normalize(name).split()
    if len(words) == 1 and len(words[0]) <= 6 and name.replace(".", "").isupper():
        return True  # an acronym: UNSC, DPKO, MONUC
    return any(w in ORG_WORDS for w in words)


def phoenix_international_rows(
    blocks: list[PetrarchActorBlock], report: Report, acronyms: set[str]
) -> Iterator[Row]:
    """Rows from Phoenix.International.actors.txt: well-known IGOs/NGOs only."""
    for block in blocks:
        chosen = block.current_code()
        if chosen is None:
            report.note("international: blocks without a usable code (dropped)")
            continue
        if block.has_dates:
            report.note("international: dated (person) blocks (dropped)")
            continue
        hit = igo_code(chosen.code.upper())
        if hit is None:
            report.note("international: MNCs and minor IGOs/NGOs (dropped)")
            continue
        short, kind = hit
        for name in block.names:
            if not looks_like_org(name):
                report.note("international: people listed under an organisation (dropped)")
                continue
            yield from checked_row(name, short, None, kind, report, acronyms, "international")


def curated_rows(countries: dict[str, CountryInfo]) -> Iterator[Row]:
    for info in countries.values():
        for name in info.names:
            yield Row(name, info.code, None, "country", "curated")
        for name in info.capitals:
            yield Row(name, info.code, None, "capital", "curated")
        for name in info.demonyms:
            yield Row(name, info.code, None, "demonym", "curated")
    for name, code, sector in METONYMS:
        yield Row(name, code, sector, "metonym", "curated")
    for name, code, sector in ORGS:
        yield Row(name, code, sector, "org", "curated")
    for code, kind, names in IGOS:
        for name in names:
            yield Row(name, code, None, kind, "curated")
    for code, person_sector, names in PERSONS:
        for name in names:
            yield Row(name, code, person_sector, "person", "curated")


_KIND_ORDER = {k: i for i, k in enumerate(
    ["country", "capital", "demonym", "metonym", "org", "person", "igo", "ngo"]
)}  # fmt: skip


def merge(rows: Iterable[Row], vocab: set[str], report: Report) -> list[Row]:
    """One row per normalised name; curated rows win; ambiguous Phoenix names dropped."""
    by_key: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_key[normalize(row.name)].append(row)
    out: list[Row] = []
    problems: list[str] = []
    for key in sorted(by_key):
        cands = by_key[key]
        curated = [r for r in cands if r.source == "curated"]
        if curated:
            codes = {(r.code, r.sector) for r in curated}
            if len(codes) > 1:
                problems.append(
                    f"curated name {key!r} has several codes: {sorted(map(str, codes))}"
                )
                continue
            best = curated[0]
            if " " not in key and key in vocab and key not in COMMON_WORDS:
                problems.append(
                    f"curated one-word entry {best.name!r} is a common English word: "
                    "add it to gazetteer.COMMON_WORDS or drop it"
                )
            if any(r.code != best.code for r in cands if r.source == "phoenix"):
                report.note("merge: Phoenix names overridden by a curated code")
            out.append(best)
            continue
        phoenix_codes = {r.code for r in cands}
        if len(phoenix_codes) > 1:
            report.note("merge: Phoenix names claimed by several codes (dropped)")
            report.issues.append(f"ambiguous Phoenix name {key!r}: {sorted(phoenix_codes)}")
            continue
        if " " not in key and (key in vocab or key in COMMON_WORDS):
            report.note("merge: one-word Phoenix names that are common English words (dropped)")
            continue
        cands.sort(key=lambda r: (_KIND_ORDER[r.kind], r.sector or "", r.name))
        out.append(cands[0])
    if problems:
        raise SystemExit("curated data problems:\n  " + "\n  ".join(problems))
    return out


def build_actors(shared: Path, report: Report) -> tuple[list[Row], list[PetrarchActorBlock]]:
    phoenix = shared / "data" / "phoenix"
    countries = parse_countries()
    vocab = common_vocabulary(shared)
    acronyms = (
        {
            n.replace(".", "").upper()
            for _c, _k, names in IGOS
            for n in names
            if n.replace(".", "").isupper()
        }
        | {name.upper() for name, _c, _s in ORGS if name.isupper()}
        | {
            n.replace(".", "").upper()
            for info in countries.values()
            for n in info.names
            if n.replace(".", "").isupper()
        }
    )

    def lenient(fname: str, lineno: int, message: str) -> None:
        report.issues.append(f"{fname}:{lineno}: {message}")

    rows: list[Row] = []
    cfile = phoenix / "Phoenix.Countries.actors.txt"
    cblocks = parse_petrarch_actors(cfile.read_text(encoding="utf-8"), cfile.name, on_issue=lenient)
    rows.extend(phoenix_country_rows(cblocks, countries, report, acronyms))
    ifile = phoenix / "Phoenix.International.actors.txt"
    iblocks = parse_petrarch_actors(ifile.read_text(encoding="utf-8"), ifile.name, on_issue=lenient)
    rows.extend(phoenix_international_rows(iblocks, report, acronyms))
    rows.extend(curated_rows(countries))
    for row in rows:
        assert row.kind in KINDS, row
        assert row.sector is None or row.sector in PLOVER_SECTORS, row
    merged = merge(rows, vocab, report)
    merged.sort(key=lambda r: (r.code, _KIND_ORDER[r.kind], normalize(r.name), r.name))
    return merged, cblocks


#: The Phoenix dictionaries were last updated in 2014: no role they list is known
#: to hold after this day.
PHOENIX_FROZEN = dt.date(2014, 12, 31)


@dataclass
class PersonBlock:
    """One person of persons.actors: names and (folded, capped) dated codes."""

    names: list[str]
    codes: list[DatedCode]

    @property
    def country(self) -> str:
        return self.codes[-1].code[:3]


def person_blocks(
    blocks: list[PetrarchActorBlock], taken: set[str], report: Report
) -> list[PersonBlock]:
    """The persons of Phoenix.Countries.actors.txt, ready to write (module docstring)."""
    people: list[PersonBlock] = []
    for block in blocks:
        if "countryinfo" not in block.comment.lower() or not block.codes:
            continue
        codes: list[DatedCode] = []
        for c in block.codes:
            raw = fold_code(c.code)
            if raw[:3] in DEPENDENCY_FOLD:  # Aruba's ministers -> NLD, as the places are
                raw = DEPENDENCY_FOLD[raw[:3]] + raw[3:]
            country, sector = split_code(raw)
            if country not in COUNTRY_CODES or (
                sector is not None and sector not in PLOVER_SECTORS
            ):
                break
            end = c.end if c.end is not None or not c.dated else PHOENIX_FROZEN
            if c.dated and c.start is not None and end is not None and c.start > end:
                continue  # a role starting after the freeze: nothing known of it
            codes.append(DatedCode(raw, c.start, end, c.dated))
        else:
            if not codes:
                report.note("persons: blocks without a usable code (dropped)")
                continue
            countries = {c.code[:3] for c in codes}
            if not any(not c.dated for c in codes):
                latest = max(codes, key=lambda c: c.end or dt.date.min)
                codes.append(DatedCode(latest.code[:3] + "ELI", None, None, dated=False))
            if len(countries) > 1:
                report.note("persons: blocks with codes of several countries (kept)")
            people.append(PersonBlock(list(block.names), codes))
            continue
        report.note("persons: blocks with IGO or non-country codes (dropped)")
    # names: two words or more, not junk, not in actors.tsv, one country only
    claims: dict[str, set[str]] = defaultdict(set)
    for person in people:
        for name in person.names:
            claims[normalize(name)].add(person.country)
    out: list[PersonBlock] = []
    seen: set[str] = set()
    for person in people:
        names: list[str] = []
        for name in person.names:
            key = normalize(name)
            if len(key.split()) < 2:
                report.note("persons: one-word names (dropped)")
            elif junk_form(name) is not None or key in DROP_NAMES:
                report.note("persons: junk forms (dropped)")
            elif key in taken:
                report.note("persons: names actors.tsv already has (dropped)")
            elif len(claims[key]) > 1:
                report.note("persons: names claimed by several countries (dropped)")
            elif key not in seen:
                seen.add(key)
                names.append(name)
        if names:
            out.append(PersonBlock(names, person.codes))
        else:
            report.note("persons: blocks left without a name (dropped)")
    out.sort(key=lambda p: (p.country, normalize(p.names[0]), p.names[0]))
    return out


def _code_text(c: DatedCode) -> str:
    if not c.dated:
        return f"[{c.code}]"
    if c.start is None:
        return f"[{c.code} <{c.end:%Y%m%d}]"
    if c.end is None:
        return f"[{c.code} >{c.start:%Y%m%d}]"
    return f"[{c.code} {c.start:%Y%m%d}-{c.end:%Y%m%d}]"


HEADER_PERSONS = f"""\
# stancewatch person dictionary (generated by scripts/build_dictionaries.py: do not edit by hand)
# Source: the person blocks of Phoenix.Countries.actors.txt (openeventdata/petrarch2
# @ 676801cd, MIT, see LICENSE.phoenix). PETRARCH actor format: a name, its + synonyms,
# and its codes with date restrictions. Open-ended roles are closed on
# {PHOENIX_FROZEN:%Y-%m-%d} (the dictionary's last update); the undated code applies after.
"""


def write_persons(path: Path, people: list[PersonBlock]) -> None:
    lines = [HEADER_PERSONS.rstrip("\n")]
    for person in people:
        first, *rest = person.names
        lines.append("")
        lines.append(first.replace(" ", "_"))
        lines.extend("+" + name.replace(" ", "_") for name in rest)
        lines.extend("\t" + _code_text(c) for c in person.codes)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def expand_core() -> dict[str, str]:
    core: dict[str, str] = {}
    for sector, words in AGENTS_CORE.items():
        for word in words.split():
            noun = word.replace("_", " ")
            if noun in core and core[noun] != sector:
                raise SystemExit(f"core agent {noun!r} listed under two sectors")
            core[noun] = sector
    return core


WEAK_SECTORS = {"SOC", "REL", "CVL"}


def build_agents(shared: Path, report: Report) -> list[tuple[str, str]]:
    afile = shared / "data" / "phoenix" / "Phoenix.agents.txt"

    def lenient(fname: str, lineno: int, message: str) -> None:
        report.issues.append(f"{fname}:{lineno}: {message}")

    text = afile.read_text(encoding="utf-8", errors="replace")
    found: dict[str, str] = {}
    for phrase, code, lineno in parse_petrarch_agents(text, afile.name, on_issue=lenient):
        sector = agent_sector(code)
        if sector is None or sector not in PLOVER_SECTORS:
            report.note("agents: Phoenix nouns without a PLOVER sector (dropped)")
            continue
        noun = " ".join(normalize(phrase).split())
        if not noun or not re.fullmatch(r"[a-z0-9' -]+", phrase):
            report.note("agents: Phoenix nouns with odd characters (dropped)")
            continue
        if noun in AGENT_DROPS:
            report.note("agents: misleading Phoenix nouns (dropped)")
            continue
        if noun in found and found[noun] != sector:
            # a role sector beats a religion/issue/civilian one (ministry of environment: GOV, not SOC)
            keep = found[noun]
            if keep in WEAK_SECTORS and sector not in WEAK_SECTORS:
                keep = sector
            report.issues.append(
                f"{afile.name}:{lineno}: {noun!r} coded both {found[noun]} and {sector}; keeping {keep}"
            )
            found[noun] = keep
            continue
        found[noun] = sector
    core = expand_core()
    for noun, sector in core.items():
        key = normalize(noun)
        if key in found and found[key] != sector:
            report.note("agents: Phoenix nouns overridden by the core list")
        found[key] = sector
    return sorted(found.items(), key=lambda kv: (kv[1], kv[0]))


HEADER_ACTORS = """\
# stancewatch actor dictionary (generated by scripts/build_dictionaries.py: do not edit by hand)
# Sources: Phoenix.Countries.actors.txt and Phoenix.International.actors.txt
# (openeventdata/petrarch2 @ 676801cd, MIT, see LICENSE.phoenix) plus the curated
# block of the build script. Format: see README.md. One row per normalised name.
"""

HEADER_AGENTS = """\
# stancewatch role-noun dictionary (generated by scripts/build_dictionaries.py: do not edit by hand)
# Sources: Phoenix.agents.txt (openeventdata/petrarch2 @ 676801cd, MIT, see
# LICENSE.phoenix), CAMEO sectors mapped to PLOVER ones, plus the curated core.
"""


def write_actors(path: Path, rows: list[Row]) -> None:
    lines = [HEADER_ACTORS.rstrip("\n"), "name\tcode\tsector\tkind"]
    for row in rows:
        if "\t" in row.name:
            raise SystemExit(f"tab in name {row.name!r}")
        lines.append(f"{row.name}\t{row.code}\t{row.sector or ''}\t{row.kind}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_agents(path: Path, rows: list[tuple[str, str]]) -> None:
    lines = [HEADER_AGENTS.rstrip("\n"), "noun\tsector"]
    lines.extend(f"{noun}\t{sector}" for noun, sector in rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared/ folder (with data/phoenix and eval/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "processors" / "data",
        help="where to write actors.tsv, persons.actors and agents.tsv",
    )
    parser.add_argument("--verbose", action="store_true", help="list every source-data issue")
    args = parser.parse_args(argv)

    report = Report(Counter(), [])
    actors, country_blocks = build_actors(args.shared, report)
    people = person_blocks(country_blocks, {normalize(r.name) for r in actors}, report)
    agents = build_agents(args.shared, report)
    args.out.mkdir(parents=True, exist_ok=True)
    write_actors(args.out / "actors.tsv", actors)
    write_persons(args.out / "persons.actors", people)
    write_agents(args.out / "agents.tsv", agents)

    kinds = Counter(r.kind for r in actors)
    print(
        f"actors.tsv: {len(actors)} rows ({', '.join(f'{k} {kinds[k]}' for k in sorted(kinds))})",
        file=sys.stderr,
    )
    print(
        f"persons.actors: {len(people)} persons, {sum(len(p.names) for p in people)} names",
        file=sys.stderr,
    )
    print(f"agents.tsv: {len(agents)} rows", file=sys.stderr)
    for what in sorted(report.counts):
        print(f"  {report.counts[what]:6d}  {what}", file=sys.stderr)
    print(f"  {len(report.issues):6d}  source-data issues (--verbose lists them)", file=sys.stderr)
    if args.verbose:
        for issue in report.issues:
            print(f"    {issue}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
