"""Health details about the writer or someone they name: conditions, symptoms, medicines,
results and procedures ("my chemo", "I have diabetes", "my dad's heart surgery").

A health term counts only when its clause ties it to a person (`_ties.Clauses`: "my dad's
surgery", not "do you offer flu shots?"). Terms naming a facility or event ("cancer center", "suicide prevention walk")
are skipped, and idioms ("my heart stopped", "dying to try") are not terms at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import ClassVar

from triage.phi.detectors._lexicon import phrase_list
from triage.phi.detectors._ties import Clauses, clauses_of
from triage.phi.detectors.base import Detector
from triage.phi.findings import Finding, PhiType

__all__ = ["HealthDetector"]

_BODY = (
    r"(?:arm|leg|wrist|ankle|hip|knee|elbow|shoulder|finger|toe|foot|hand|nose|jaw|ribs?"
    r"|back|neck|collarbone|bone|pelvis|skull|tooth)"
)
_PAIN = (
    r"(?:chest|back|stomach|abdominal|belly|neck|knee|hip|joint|shoulder|ear|tooth|pelvic"
    r"|nerve|leg|arm)"
)
# One regex per term (IGNORECASE, matched between word boundaries). Multi-word terms come
# before single words that start them so that the longer reading wins.
# fmt: off
TERMS: tuple[str, ...] = (
    # conditions
    r"heart\s(?:attack|failure|disease|condition|problems?|surgery|murmur)", r"cardiac\sarrest",
    r"high\sblood\spressure", r"multiple\ssclerosis", r"kidney\s(?:stones?|failure|disease)",
    r"liver\sdisease", r"eating\sdisorder", r"panic\sattacks?", r"strep(?:\sthroat)?",
    r"cancer", r"tumou?rs?", r"leukemia", r"lymphoma", r"melanoma", r"(?:pre)?diabetes",
    r"diabetic", r"asthma", r"copd", r"emphysema", r"hiv", r"hepatitis", r"covid(?:-?19)?",
    r"coronavirus", r"flu\sshots?", r"flu", r"influenza", r"pneumonia", r"bronchitis",
    r"infections?", r"infected", r"uti", r"stds?", r"stis?", r"chlamydia", r"gonorrhea",
    r"syphilis", r"herpes", r"hpv", r"hypertension", r"stroke", r"arrhythmia", r"a-?fib",
    r"seizures?", r"epilepsy", r"migraines?", r"headaches?", r"concussion", r"depression",
    r"depressed", r"anxiety", r"bipolar", r"schizophreni[ac]", r"ptsd", r"ocd", r"adhd",
    r"autism", r"autistic", r"dementia", r"alzheimer'?s", r"parkinson'?s", r"arthritis",
    r"lupus", r"crohn'?s", r"colitis", r"ibs", r"celiac", r"cirrhosis", r"pregnant",
    r"pregnancy", r"miscarriage", r"miscarried", r"abortion", r"ivf", r"infertility",
    r"preeclampsia", r"postpartum", r"anemia", r"sepsis", r"appendicitis", r"gallstones?",
    r"hernia", r"cyst", r"lump", r"fractures?", r"sprain", r"allerg(?:y|ies|ic)",
    r"anaphylaxis", r"eczema", r"psoriasis", r"suicidal", r"suicide", r"self[-\s]harm",
    r"cutting\smyself", r"anorexia", r"bulimia", r"restricting", r"self[-\s]?harm(?:ing|ed)?", r"binge(?:ing|d)?", r"addiction", r"addicted", r"alcoholism",
    r"overdosed?", r"injury", r"injuries", r"wound", r"immunocompromised", r"disability",
    r"rsv", r"croup", r"chickenpox", r"measles", r"shingles", r"mono", r"pink\seye",
    r"stomach\sbug", r"food\spoisoning", r"gallbladder", r"appendix", r"thyroid",
    r"anxious", r"admitted", r"hospitali[sz]ed",
    r"(?:broken|broke|fractured|sprained|dislocated|injured|twisted)\s"
    r"(?:(?:my|his|her|their|a|the)\s)?" + _BODY,
    # symptoms
    _PAIN + r"\spains?", r"pain(?=\sin\s(?:my|his|her|their)\b)(?!\sin\s\w+\s(?:neck|butt|ass|rear)\b)", r"sore\sthroat",
    r"short(?:ness)?\sof\sbreath", r"trouble\sbreathing", r"can'?t\sbreathe", r"throwing\sup",
    r"passed\sout", r"rash", r"fever", r"cough(?:s|ing|ed)?", r"chills", r"nausea", r"nauseous",
    r"vomit(?:s|ing|ed)?", r"diarrh(?:o)?ea", r"constipat(?:ion|ed)", r"dizz(?:y|iness)",
    r"fainted", r"swollen", r"swelling", r"bleeding", r"numbness", r"insomnia", r"withdrawals?",
    r"sick(?!\s(?:of|and\stired|leave|day)\b)",
    # medicines and treatments
    r"chemo(?:therapy)?", r"radiation(?:\stherapy|\streatment)?", r"immunotherapy",
    r"physical\stherapy", r"birth\scontrol", r"blood\sthinners?", r"insulin", r"metformin",
    r"ozempic", r"wegovy", r"antibiotics?", r"amoxicillin", r"penicillin", r"ibuprofen",
    r"tylenol", r"acetaminophen", r"advil", r"motrin", r"prednisone", r"steroids?",
    r"lisinopril", r"atorvastatin", r"lipitor", r"statins?", r"warfarin", r"eliquis",
    r"xarelto", r"xanax", r"zoloft", r"prozac", r"lexapro", r"sertraline", r"adderall",
    r"ritalin", r"oxycodone", r"hydrocodone", r"opioids?", r"morphine", r"methadone",
    r"suboxone", r"gabapentin", r"levothyroxine", r"synthroid", r"albuterol", r"inhaler",
    r"epipen", r"antidepressants?", r"medications?", r"meds", r"prescriptions?", r"vaccines?",
    r"vaccinated", r"booster", r"rehab", r"dialysis", r"transplant", r"treatments?",
    # results and procedures
    r"blood\s(?:pressure|sugar|work|tests?|clots?|results)", r"bloodwork",
    r"(?:lab|test)\sresults", r"(?:ct|cat|pet)\sscans?", r"x-?rays?", r"mri(?:\sresults)?",
    r"pap\ssmear", r"c-section", r"surgery", r"surgeries", r"(?<!of\s)operation",
    r"appendectomy", r"hysterectomy", r"mastectomy", r"stitches", r"biopsy", r"ultrasound",
    r"mammogram", r"colonoscopy", r"endoscopy", r"ekg", r"ecg", r"echocardiogram", r"a1c",
    r"cholesterol", r"diagnos(?:is|ed|es)", r"prognosis",
    # more conditions, symptoms, devices and care settings people name
    r"pulmonary\sembolism", r"embolism", r"aneurysm(?:\srepair)?", r"brain\sbleed", r"bypass",
    r"(?:sleep\s)?apnea", r"type\s?[12](?:\sdiabetes)?", r"(?:adeno)?carcinoma", r"sarcoma",
    r"hemorrhage", r"blood\sclot", r"clots?", r"dvt", r"chf", r"afib", r"neuropathy",
    r"amputation", r"amputated", r"(?:knee|hip|shoulder)\sreplacement", r"c[\s-]section",
    r"catheter", r"(?:on|off)\s(?:the\s)?oxygen", r"oxygen(?=\s(?:keeps|is|was|at|dropping|dropped|level|sat))",
    r"hearing\saids?", r"deaf(?:\sin\sone\sear)?", r"pacemaker(?:\scheck)?", r"defibrillator",
    r"cpap", r"bipap", r"insulin\spump", r"glucose\smonitor", r"cgm", r"ventilator",
    r"intubated", r"feeding\stube", r"iv(?=\s(?:antibiotics|fluids|line|drip))", r"icu",
    r"nicu", r"picu", r"hospice", r"palliative", r"in\slabor", r"labor", r"water\sbroke",
    r"contractions", r"had\s(?:her|my|the)\sbaby", r"gave\sbirth", r"due\sdate",
    r"confused", r"confusion", r"disoriented", r"delirium", r"hallucinat\w+",
    r"seeing\sthings", r"hearing\svoices", r"paranoid", r"psychosis", r"manic",
    r"slurr(?:ing|ed)", r"limp", r"unresponsive", r"not\sbreathing", r"barely\s(?:breathe|stand|walk)",
    r"pass(?:ing)?\sout", r"blacked\sout",
    r"fell(?!\s(?:in\slove|asleep|apart|behind|through|short|for|off\sthe))", r"a\sfall", r"sweat(?:y|ing)",
    r"shaking", r"tremors?", r"cramps?", r"cramping", r"spotting", r"discharge(?=\sfrom)",
    r"incision", r"stitches", r"blood\sthinner", r"throwing\sup\sblood", r"peed", r"urine",
    r"belly\sis\shard", r"swollen", r"ankles\sare\s(?:huge|swollen)", r"rattle",
    r"weigh(?:s|ed)?\s\d{2,3}\s?(?:lbs?|pounds|kg)", r"\d{2,3}\s?lbs",
    r"ha(?:s|ve)n'?t\s(?:eaten|slept|peed|pooped)", r"can'?t\s(?:walk|eat|sleep|swallow)",
    r"relapsed?", r"detox", r"sober", r"sobriety", r"drinking", r"alcohol", r"vodka",
    r"withdrawal", r"oxy", r"fentanyl", r"heroin", r"meth", r"cocaine", r"narcan",
    r"ambien", r"trazodone", r"seroquel", r"lithium", r"lantus", r"humalog", r"novolog",
    r"naltrexone", r"hydroxyzine", r"benadryl", r"melatonin", r"klonopin", r"valium",
    r"ativan", r"percocet", r"vicodin", r"tramadol", r"norco", r"keppra", r"depakote",
    r"lamictal", r"abilify", r"wellbutrin", r"effexor", r"cymbalta", r"paxil", r"celexa",
    r"buspirone", r"concerta", r"vyvanse", r"jardiance", r"trulicity", r"mounjaro",
    r"(?:chemo|infusion|radiation)\ssessions?", r"infusions?", r"folfox", r"tamoxifen",
    r"potassium", r"sodium", r"hemoglobin", r"hgb", r"platelets", r"creatinine", r"psa",
    r"inr", r"ketones", r"white\scount", r"wbc", r"sugars?(?=\s(?:is|was|at|of|has|keeps|went|\d))",
    r"glucose", r"bp", r"o2", r"(?:o2\s)?sats(?=\s(?:are|is|were|was|at|of|\d))", r"o2\ssat", r"pulse", r"heart\srate",
    r"temp(?:erature)?(?=\s(?:is|was|of|at|\d))", r"newborn\shearing\sscreen", r"screening",
    r"check-?up", r"physical(?=\s(?:exam|therapy))", r"mammogra(?:m|fia|fía)", r"mamograf[ií]a",
    r"pain\sin\s(?:the|my|his|her)\s(?!neck\b|butt\b|ass\b|rear\b)\w+", r"(?:lips|face|skin|fingers)\s(?:is|are|turning|going|look)\s(?:\w+\s)?(?:blue|gr[ae]y|purple|yellow|white)",
    r"not\smaking\ssense", r"(?:isn'?t|not|won'?t|wont|didn'?t|isnt)\s(?:waking|wake)\s?up",
    r"feel(?:ing|s)?\s(?:really\s|so\s|very\s|kinda\s)?(?:weird|off|faint|dizzy|awful|terrible|numb|funny|slow)",
    r"swallowed\s(?:a|an|some|the)\s\w+(?:\s\w+)?", r"(?:pull(?:ing|ed)?\sout|pulled)\s(?:her|his|my|the)\s(?:iv|tube|catheter|line)",
    r"\d{1,2}\s?(?:weeks|wks)\s(?:pregnant|along)", r"miscarr(?:ying|ied|iage)",
    r"cath\slab", r"burn\sunit", r"trauma\s(?:icu|unit|bay|center)", r"special\scare\snursery",
    r"pain\sclinic", r"l&d", r"labor\sand\sdelivery", r"maternity(?:\sward|\sunit|\sfloor)?",
    r"psych(?:iatric)?\s(?:ward|unit|floor|hold)", r"behavioral\shealth(?:\sunit)?", r"detox\sunit",
    r"step-?down\sunit", r"cardiac\s(?:unit|floor|icu)", r"dialysis\scenter", r"infusion\scenter",
    r"(?:i'?m|i\u2019m|im|i\sam|she'?s|she\sis|at)\s\d{1,2}\s?(?:weeks|wks|semanas)",
    r"sugar'?s\s(?:been|is|was)", r"had\s(?:her|his|my|their)\s\w+\s(?:done|replaced|removed|fixed|scoped|out|taken\sout|put\sin|drained|set|pulled)",
    r"heart\scath", r"ejection\sfraction", r"hearing\s(?:screen|test)", r"delivering\s(?:my|our|her|the)\s\w+",
    r"spitting\sup", r"in\s(?:so\smuch\s|a\slot\sof\s|bad\s)?pain", r"autismo", r"tiroides",
    r"wander(?:ed|s|ing)\soff", r"agitated", r"not\seating", r"cerebral\spalsy", r"nonverbal",
    r"guillain[\s-]barr[eé]", r"down\ssyndrome", r"spina\sbifida", r"cystic\sfibrosis",
    r"white\smatter", r"psych\srecords", r"\w+\s(?:valve\s)?replacement", r"amputaron", r"meniscus",
    r"tore\s(?:the\s|my\s|his\s|her\s)?\w+", r"jaundiced?", r"epi\s?pen", r"t[eé]tano", r"draining",
    r"(?:back|head|knee|hip|neck|chest|stomach|leg|arm|shoulder|foot|tooth)\s(?:is\s)?(?:still\s)?killing\s(?:me|him|her)",
    r"puntadas", r"hinchad[oa]", r"sugar\sreadings?", r"weight\s(?:is\s)?(?:up|down)", r"red\sand\shot",
    r"hard\sof\shearing", r"dka", r"chest\s(?:is\s|been\s|feels\s)?(?:tight|heavy)", r"tingly", r"puk(?:ing|in)",
    r"burn(?:ing|in)", r"deformity", r"caught\sin\sthe\s\w+",
    # a visit to emergency care, well-child shots, one's own state of mind said plainly
    r"(?:hit|bumped|banged|smacked|cracked)\s(?:her|his|my|their)\s(?:head|face|chin)",
    r"(?:er|e\.r\.|ed|urgent\scare)\svisits?",
    r"(?:\d+|two|four|six|nine|twelve|fifteen|eighteen)[\s-](?:month|mo|year|yr|week|wk)s?[\s-](?:old\s)?"
    r"(?:shots|vaccines?|vaccinations|immunizations|jabs)",
    r"(?:i'?m|i\u2019m|im|i\sam)\s(?:really\s|so\s|just\s|honestly\s)?not\s(?:ok|okay|alright|doing\s(?:ok|okay|well|good|great))(?!\swith\b)",
    r"not\sdoing\s(?:great|good|well|ok|okay)\smentally", r"struggling\smentally", r"mentally\sstruggling",
    # programmes and units of mental-health and addiction care, recovery
    r"(?:eating\sdisorder|detox|psych(?:iatric)?|inpatient|outpatient|residential|partial\shospitalization"
    r"|substance\suse|dual\sdiagnosis|crisis\sstabilization|behavioral\shealth|recovery|rehab|methadone"
    r"|suboxone|adolescent\ssubstance\suse)\s(?:program|unit|intake|eval(?:uation)?|house|clinic|bed"
    r"|admission|hold|patient|follow[\s-]?up|stay|treatment)", r"iop", r"psych\s(?:eval|patient|ward|meds)",
    r"\d+\s(?:days?|weeks?|months?|years?)\s(?:sober|clean)", r"detoxe?s", r"nodding\soff", r"purg(?:ing|ed|e)",
    r"relapse", r"overdoses", r"eeg", r"nephrotic(?:\ssyndrome)?", r"kawasaki", r"neutropeni[ac]",
    r"\w*(?:sarc|carcin|blast|gli)oma", r"car-?t", r"picc(?:\sline)?", r"port(?=\s(?:placement|access|flush))",
    r"vns", r"[gj]-?tubes?", r"feeding\spump", r"hep\s?[abc]", r"post[\s-]?op", r"(?:on|off)\sthe\svent",
    r"hole\sin\s(?:the|her|his|my)\sheart", r"sats\s(?:dropped|dropping|are|were)", r"lost\s\d+\s(?:pounds|lbs|kilos)",
    r"scans?\scame\sback", r"(?:\d+(?:st|nd|rd|th)|first|second|third|last)\sround\sof\s\w+", r"oncolog[ií]a",
    r"hemato-?onco\w*", r"punci[oó]n\slumbar", r"alucinaciones", r"confusi[oó]n", r"psiquiatr[ií]a",
    r"nightmares", r"fallen", r"not\ssleeping", r"\w+(?:etam|azam|urea)",
    r"therapy", r"hit\sby\s(?:a|the)\s(?:car|truck|bus|vehicle|bike)", r"vomit[aó]", r"vomit[oó]\stodo",
    r"sali[oó]\s(?:anormal|positiv[oa]|alt[oa]|mal)", r"claustrophobia", r"aki", r"(?:n|)stemi", r"tendons?",
    r"[a-z]{3,}itis", r"[a-z]{3,}(?:ectomy|otomy|oscopy|plasty|osis)", r"cef[a-z]{4,}",
    r"(?:carcin|sarc|lymph|melan|gli|myel|aden)oma",
    r"\d+\s?(?:mg|mcg|ml|units?)\s(?:bid|tid|qid|daily|twice|once|every|at\snight)",
    r"epidural", r"psychotic(?:\sepisode|\sbreak)?", r"delivered\s(?:my|her|our)\s\w+",
    r"(?:heart|cancer|kidney|lung|brain|bone|skin|eye|foot|stomach|sugar|baby)\sdoctor",
    r"(?:her|his|my|ur|your)\siv", r"cataratas?", r"cataracts?", r"arde", r"ardor", r"orinar",
    # injuries, declines and births said in plain words (2026-12-03)
    r"(?:cut|sliced|slashed|gashed|split)\s(?:(?:his|her|my|their|the)\s)?(?:hand|finger|thumb|arm|leg|foot"
    r"|head|face|palm|wrist|chin|lip|forehead)(?:\s(?:open|bad|deep))?",
    r"(?:knee|hip|shoulder|back|ankle|wrist)\s(?:done|replaced|scoped|fused|surgery|repair)",
    r"(?:memory|hearing|eyesight|vision|balance|mind)\s(?:is|was|has\sbeen|isn'?t|isnt|is\snot)\s"
    r"(?:going|gone|failing|bad|poor|slipping|getting\sworse|worse|not\s(?:great|good)|great|good)",
    r"ha(?:s|sn'?t|snt)\s(?:not\s)?been\s(?:herself|himself|right|the\ssame)", r"not\s(?:herself|himself)",
    r"forgets?\s(?:where|who|what|how)\s\w+(?:\s\w+)?", r"keeps?\sasking\swhat\sday",
    r"lost\sa\slot\sof\sblood", r"\d\sunits\sof\sblood", r"in\sa\swheelchair",
    r"(?:1st|2nd|3rd|4th|first|second|third|fourth)[\s-]degree\s(?:tear|burns?)",
    r"(?:his|her|my|their)\s(?:fall|falls|lungs|kidneys|liver)(?!\s(?:semester|season|term|class|schedule))",
    r"took\sa\s(?:tumble|spill|bad\sfall)", r"se\sgolpe[oó](?:\s(?:la|el)\s\w+)?", r"golpe[oó]\sla\scabeza",
    r"\d{1,2}\ssemanas(?=\s(?:de\sembarazo|embarazada|y|en|de))", r"naci[oó]\sprematur[oa]",
    r"(?:won'?t|wont|can'?t|cant|not)\slatch(?:ing)?", r"(?:give|giving|gave)\sbirth",
    r"delivered(?=\s(?:him|her|them|the\sbaby|twins|on|at|early|by|last|yesterday|today|a\s))",
    r"(?:the\s)?pressure\s(?:very\s|real\s|so\s|too\s)?(?:high|low)",
    r"\d{2,3}\s?(?:over|/)\s?\d{2,3}(?=\s|$|[.,!?])(?<!/\d{2}/\d{2})",
    # Spanish
    r"fiebre", r"calentura", r"tos", r"dolor(?:es)?(?:\sde\s\w+)?", r"diab[eé]tic[oa]",
    r"presi[oó]n(?:\salta|\sbaja)?", r"az[uú]car", r"c[aá]ncer", r"quimio(?:terapia)?",
    r"cirug[ií]as?", r"operaci[oó]n", r"operar(?:on|lo|la|me)?", r"operad[oa]", r"me\soperaron",
    r"le\soperaron", r"infarto", r"derrame(?:\scerebral)?", r"embolia", r"convulsi[oó]n(?:es)?",
    r"v[oó]mitos?", r"vomitando", r"diarrea", r"mareos?", r"maread[oa]", r"sangrado",
    r"sangrando", r"sangre", r"embarazada", r"embarazo", r"parto", r"ces[aá]rea", r"dio\sa\sluz",
    r"aborto", r"coma", r"neumon[ií]a", r"asma", r"al[eé]rgic[oa]", r"alergia", r"penicilina",
    r"insulina", r"medicamentos?", r"medicinas?", r"pastillas", r"di[aá]lisis", r"ves[ií]cula",
    r"fractur(?:a|[oó])", r"se\s(?:cay[oó]|quebr[oó]|rompi[oó]|desmay[oó])", r"ca[ií]da",
    r"desorientad[oa]", r"confundid[oa]", r"depresi[oó]n", r"deprimid[oa]", r"ansiedad",
    r"sobredosis", r"infecci[oó]n", r"herida", r"quemadura", r"ultrasonido", r"an[aá]lisis",
    r"resultados", r"tumor", r"demencia", r"hospitalizad[oa]", r"internad[oa]", r"intubad[oa]",
    r"atropell(?:aron|ado|ada)", r"accidente", r"no\spuede\s(?:caminar|respirar|hablar|comer)",
    r"ya\sno\spuede\s\w+", r"no\srespira", r"le\sfalta\sel\saire", r"epilepsia", r"migra[nñ]a",
    r"gripa", r"gripe", r"cortaron\sel\s\w+", r"le\scortaron", r"diagn[oó]stico",
    r"terapia", r"rehabilitaci[oó]n", r"marcapasos", r"ox[ií]geno", r"cateter|cat[eé]ter",
    r"se\ssiente\s(?:mal|mareado|mareada|d[eé]bil)", r"me\ssiento\s(?:mal|mareado|mareada|d[eé]bil)",
)
# fmt: on


def _by_first_letter(terms: Iterable[str]) -> str:
    """Join `terms` into one alternation nested under each term's first letter.

    Python's regex engine tries every branch at every position; nesting the branches
    under their first letter makes the scan of a long text several times faster.
    """
    groups: dict[str, list[str]] = {}
    for term in terms:
        key = term[0].lower() if term[0].isalpha() else ""
        groups.setdefault(key, []).append(term[1:] if key else term)
    parts = ["|".join(groups.pop("", []))] if "" in groups else []
    parts += [f"{k}(?:{'|'.join(v)})" for k, v in sorted(groups.items())]
    return "|".join(p for p in parts if p)


# Generic medicine names by their stems ("metoprolol", "losartan", "omeprazole").
_DRUG = (
    r"[a-z]{2,}(?:pril|olol|statin|sartan|dipine|prazole|tidine|azepam|zolam|triptan|cillin"
    r"|mycin|oxacin|cycline|formin|gliptin|glutide|tide|oxetine|apine|idone|codone|morphone"
    r"|barbital|lukast|parin|xaban|dronate|thyroxine|olone|afil|mab|tinib|[aio]vir|pram)"
)
TERMS = (*TERMS, _DRUG)

# Terms are written with \s for readability but must not span lines (a line break ends
# a clause, and redaction must not remove one).
_TERM = re.compile(
    r"(?<![^\W_])(?:" + _by_first_letter(TERMS).replace(r"\s", " ") + r")\b", re.IGNORECASE
)

# A term followed by one of these names a place, service or event ("cancer center", "flu
# shot clinic"), unless a possessive makes it personal again ("my cancer team").
_FACILITY = re.compile(
    r"\s{1,3}(?:center|centre|clinic|institute|unit|ward|department|dept|programs?|programme"
    r"|team|floor|wing|research|awareness|prevention|walk|run|ride|month|hotline|lifeline"
    r"|foundation|society|association|services|nurses|staff|machines?|scanners?|hours|lab|icu"
    r"|nursery|suite|rooms?|beds?|shots?|vaccines?|screenings?|training|classes?|course"
    r"|workshops?|talks?|seminars?|presentations?|education|charla|taller|groups?|track"
    r"|fundraiser|charity|support\sgroup|building|screening\sevent|5k|10k|marathon|race|gala)\b",
    re.IGNORECASE,
)
# Terms that carry their own person: "le operaron", "me siento mal", "i'm 34 weeks",
# "had his tonsils out", "hit her head".
_SELF_TIED = re.compile(
    r"(?:me|le|se|mi|i'?m|i\u2019m|im|i\s+am|she'?s|she\s+is|\w+\s+(?:her|his|my|their))\s", re.IGNORECASE
)
# "that playlist is my therapy", "this coffee is my life support": a thing called a cure.
_FIGURATIVE = frozenset({"therapy", "life support", "medicine", "meds", "drug"})
_IS_MY = re.compile(r"\b(?:is|are|'s)\s+(?:literally\s+|basically\s+)?(?:my|our)\s+$", re.IGNORECASE)
_IN_LINK = re.compile(r"(?:/|www\.|\.(?:com|org|gov|edu|net)\b)\S*$", re.IGNORECASE)
_IDIOM_BEFORE = re.compile(
    r"\b(?:give|gives|giving|gave|gonna\s+give)\s+(?:me|you|him|her|us|them|everyone)\s+(?:a|an)\s+$",
    re.IGNORECASE,
)
_IN_PLACE = re.compile(
    r"\b(?:in|at|to|into|inside|from|on|through|en|a\s+la|al)\s+(?:(?:the|your|ur|their|la|el)\s+)?$",
    re.IGNORECASE
)
_POSSESSIVE = re.compile(r"(?:\b(?:my|our|his|her|their)|['\u2019]s)\s{1,3}$", re.IGNORECASE)
# Symptoms said as statements are the writer's even with the pronoun dropped (`_ties`).
_SYMPTOM = re.compile(
    r"\b(?:pain|pains|hurts?|aching|ache|tight|heavy|tingly|numb(?:ness)?|puk(?:ing|in)|vomit\w*"
    r"|throwing\s+up|nause\w*|dizz\w*|fever|chills|cough\w*|bleeding|swollen|swelling|rash|burn(?:ing|in)"
    r"|short(?:ness)?\s+of\s+breath|can'?t\s+breathe|trouble\s+breathing|passed\s+out|faint\w*"
    r"|diarrh\w*|cramp\w*|sweat\w*|shaking|tremors?|blurry|confused|slurr\w*"
    # and one's own treatment said as news: "3rd round of chemo done", "day 3 post op"
    r"|chemo\w*|post[\s-]?op|cath|picc|dialysis|transplant|infusion|radiation|surgery|sober|clean"
    r"|relapsed?|restricting)\b",
    re.IGNORECASE,
)
_LEXICON_WORD = re.compile(r"[^\W_]+(?:['\u2019&-][^\W_]+)*")


@cache
def _longest_phrase() -> dict[str, int]:
    """First word of each lexicon phrase -> the most words a phrase starting with it has."""
    longest: dict[str, int] = {}
    for phrase in phrase_list("health_terms"):
        words = phrase.split()
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


class HealthDetector(Detector):
    """Health terms tied to a person; see the module docstring for what ties them."""

    name = "health"
    TERMS: ClassVar[tuple[str, ...]] = TERMS
    SCORE: ClassVar[float] = 0.6

    def detect(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        clauses: Clauses | None = None
        for start, end, term in self._terms(text):
            if _IDIOM_BEFORE.search(text, max(0, start - 24), start):
                continue  # "this elevator is gonna give me a stroke"
            if term.lower() in _FIGURATIVE and _IS_MY.search(text, max(0, start - 24), start):
                continue
            if _IN_LINK.search(text, max(0, start - 60), start):
                continue  # "cdc.gov/flu": a word of a link
            facility = _FACILITY.match(text, end)
            if facility and not _POSSESSIVE.search(text, max(0, start - 20), start):
                # "the cancer center is beautiful" is a place; "my dad is in the burn unit"
                # tells where a person is treated.
                if not _IN_PLACE.search(text, max(0, start - 16), start):
                    continue
                end = facility.end()
            clauses = clauses or clauses_of(text)  # built only for texts that mention a term
            if _SELF_TIED.match(term) or clauses.tied(start, end, symptom=bool(_SYMPTOM.search(term))):
                findings.append(Finding(PhiType.HEALTH, start, end, self.SCORE, self.name))
        return findings

    @staticmethod
    def _terms(text: str) -> list[tuple[int, int, str]]:
        """Spans of the regex terms and of the lexicon's phrases (longest phrase first)."""
        spans = [(m.start(), m.end(), m.group(0)) for m in _TERM.finditer(text)]
        lexicon, longest = phrase_list("health_terms"), _longest_phrase()
        words = list(_LEXICON_WORD.finditer(text))
        keys = [m.group(0).lower().replace("'", "").replace("\u2019", "") for m in words]
        i = 0
        while i < len(words):
            for n in range(min(longest.get(keys[i], 0), len(words) - i), 0, -1):
                last = words[i + n - 1]
                # Phrases do not run over a line break or a sentence end.
                if n > 1 and re.search(r"[\n.!?;]", text[words[i].end() : last.start()]):
                    continue
                if " ".join(keys[i : i + n]) in lexicon:
                    spans.append((words[i].start(), last.end(), text[words[i].start() : last.end()]))
                    i += n - 1
                    break
            i += 1
        return spans
