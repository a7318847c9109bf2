"""The crisis-phrase backstop: every warning-sign family, Spanish, and the idioms that must stay quiet."""

import pytest

from triage.safety import MEDICAL_SIGNS, SELF_HARM_SIGNS, Crisis, crisis_sign, crisis_signal

# (text, kind, family): at least one per family, in the registers people write.
POSITIVES = [
    ("I want to kill myself", Crisis.SELF_HARM, "direct"),
    ("i wanna die tonight honestly", Crisis.SELF_HARM, "direct"),
    ("thinking about ending my life", Crisis.SELF_HARM, "direct"),
    ("KILL MYSELF", Crisis.SELF_HARM, "direct"),
    ("I don't want to be here anymore", Crisis.SELF_HARM, "direct"),
    ("sometimes i just want to go to sleep and never wake up", Crisis.SELF_HARM, "direct"),
    ("please tell my kids I love them. I'm done.", Crisis.SELF_HARM, "farewell"),
    ("this is goodbye. thank you nurses for trying", Crisis.SELF_HARM, "farewell"),
    ("by the time you read this i will be gone", Crisis.SELF_HARM, "farewell"),
    ("sorry for everything. i won't be around much longer", Crisis.SELF_HARM, "farewell"),
    ("I'm just a burden to my family", Crisis.SELF_HARM, "burden"),
    ("they would be happier if i wasn't here", Crisis.SELF_HARM, "burden"),
    ("nobody would miss me", Crisis.SELF_HARM, "burden"),
    ("been giving away all my stuff this week, feels right", Crisis.SELF_HARM, "giving_away"),
    ("can you take care of my cat when i'm gone", Crisis.SELF_HARM, "giving_away"),
    ("I've been saving up my pills for a while now", Crisis.SELF_HARM, "means"),
    ("im going to take all my pills", Crisis.SELF_HARM, "means"),
    ("the rope is ready", Crisis.SELF_HARM, "means"),
    ("sitting in the car in the garage with the engine running", Crisis.SELF_HARM, "means"),
    ("i can't do this anymore. i have a plan.", Crisis.SELF_HARM, "time_and_plan"),
    ("doing it tonight after my shift", Crisis.SELF_HARM, "time_and_plan"),
    ("I tried to hurt myself two years ago and it's that bad again", Crisis.SELF_HARM, "past_attempt"),
    ("since my last attempt nobody checks on me", Crisis.SELF_HARM, "past_attempt"),
    ("i can't go on like this", Crisis.SELF_HARM, "hopeless"),
    ("there's no reason to live anymore", Crisis.SELF_HARM, "hopeless"),
    ("thinking i'll just end things", Crisis.SELF_HARM, "hopeless"),
    ("I started cutting again last night", Crisis.SELF_HARM, "self_harm"),
    ("quiero matarme", Crisis.SELF_HARM, "spanish"),
    ("ya no quiero vivir, perdón a todos", Crisis.SELF_HARM, "spanish"),
    ("Me quiero morir, ya no aguanto más", Crisis.SELF_HARM, "spanish"),
    ("mi familia estaría mejor sin mí", Crisis.SELF_HARM, "spanish"),
    ("my dad can't breathe HELP", Crisis.MEDICAL, "breathing"),
    ("her throat is closing after the peanut", Crisis.MEDICAL, "breathing"),
    ("he's turning blue what do i do", Crisis.MEDICAL, "breathing"),
    ("she is unconscious on the floor", Crisis.MEDICAL, "collapse"),
    ("a man collapsed in your parking garage by level 2", Crisis.MEDICAL, "collapse"),
    ("he won't wake up", Crisis.MEDICAL, "collapse"),
    ("my son just overdosed", Crisis.MEDICAL, "acute"),
    ("there's blood everywhere", Crisis.MEDICAL, "acute"),
    ("her face is drooping on one side", Crisis.MEDICAL, "acute"),
    ("mi hijo no respira", Crisis.MEDICAL, "spanish"),
    ("mi niña está convulsionando, qué hago", Crisis.MEDICAL, "spanish"),
]


@pytest.mark.parametrize("text,kind,family", POSITIVES)
def test_every_warning_sign_triggers(text, kind, family):
    assert crisis_sign(text) == (kind, family)


def test_every_family_has_a_positive():
    covered = {(kind, family) for _, kind, family in POSITIVES}
    assert {(Crisis.SELF_HARM, f) for f in SELF_HARM_SIGNS} <= covered
    assert {(Crisis.MEDICAL, f) for f in MEDICAL_SIGNS} <= covered


# Idioms, awareness events, lyrics and admin questions: the hard negatives.
NEAR_MISSES = [
    "this wait is killing me", "I'm dying to try the new cafe", "I'm dead 😂😂",
    "you guys are killing it with the new wing", "my back is killing me lol",
    "suicide prevention walk this weekend, how do I sign up?",
    "overdose awareness day post was great", "my heart stopped when I saw the parking prices lol",
    "I thought I was going to die of boredom in that waiting room",
    "things will end at 5pm when the clinic closes", "nobody would answer the phone!!",
    "I can't go on hold for another hour", "I have a plan with Aetna, is it accepted?",
    "I have a plan through my employer", "the nurses were unresponsive to our call button",
    "your website is unresponsive again", "my third attempt to reach billing failed",
    "I won't need my crutches anymore, thank you PT team!", "me muero de risa con este video",
    "esta espera me está matando", "la clínica no responde mis llamadas",
    "walking 5 kms for mental health awareness today", "what are your visiting hours?",
    "I don't want to hurt myself or anything, I just want to talk to someone",
    "I don't have any thoughts of hurting myself or the baby", "not suicidal, just tired",
    "took 2 advil at 8am, can I take tylenol now", "tired of living paycheck to paycheck? DM me",
    "phone at 1% so bye bye everyone talk tmrw", "😭😭 i cant breathe im laughing",
    "I was so scared I was going to die, and your ER team was amazing",
    "", "😂😂😂 <script>alert(1)</script> 你好",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay_quiet(text):
    assert crisis_signal(text) is None


@pytest.mark.parametrize("text", [
    # A crisis phrase triggers anywhere, even beside a campaign or a walk.
    "Walking for suicide prevention month today. honestly i don't want to be alive anymore",
    "proud of our overdose awareness event. I've been saving up my pills though",
])
def test_a_campaign_never_hides_a_crisis(text):
    assert crisis_signal(text) is Crisis.SELF_HARM


def test_self_harm_wins_over_medical():
    assert crisis_signal("i took all my pills and now i can't breathe") is Crisis.SELF_HARM


def test_curly_apostrophes_and_accents():
    assert crisis_signal("I don’t want to live") is Crisis.SELF_HARM
    assert crisis_signal("QUIERO QUITARME LA VÍDA") is Crisis.SELF_HARM


def test_long_input_is_safe():
    assert crisis_signal("a " * 100_000 + "kill myself") == Crisis.SELF_HARM
