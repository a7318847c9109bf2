import pytest

from triage.safety import Crisis, crisis_signal

CASES = [
    ("I want to kill myself", Crisis.SELF_HARM),
    ("i wanna die tonight honestly", Crisis.SELF_HARM),
    ("thinking about ending my life", Crisis.SELF_HARM),
    ("im going to take all my pills", Crisis.SELF_HARM),
    ("I don't want to be here anymore", Crisis.SELF_HARM),
    ("KILL MYSELF", Crisis.SELF_HARM),
    ("my dad can't breathe HELP", Crisis.MEDICAL),
    ("she is unconscious on the floor", Crisis.MEDICAL),
    ("my son just overdosed", Crisis.MEDICAL),
    ("her throat is closing after the peanut", Crisis.MEDICAL),
    ("this wait is killing me", None),
    ("I'm dying to try the new cafe", None),
    ("suicide prevention walk this weekend, how do I sign up?", None),
    ("overdose awareness day post was great", None),
    ("my heart stopped when I saw the parking prices lol", None),
    ("what are your visiting hours?", None),
    ("", None),
    ("😂😂😂 <script>alert(1)</script> 你好", None),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_crisis_signal(text, expected):
    assert crisis_signal(text) == expected


def test_long_input_is_safe():
    assert crisis_signal("a " * 100_000 + "kill myself") == Crisis.SELF_HARM


@pytest.mark.parametrize("text", [
    "nobody would miss me", "thinking i'll just end things", "i can't go on like this",
    "he won't wake up", "there's blood everywhere", "mi hijo no respira", "quiero matarme",
])
def test_indirect_and_spanish_crisis_statements(text):
    assert crisis_signal(text) is not None


@pytest.mark.parametrize("text", [
    "things will end at 5pm when the clinic closes", "nobody would answer the phone!!",
    "I can't go on hold for another hour",
])
def test_near_misses_stay_quiet(text):
    assert crisis_signal(text) is None
