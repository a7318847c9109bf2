"""`python -m triage classify`: JSON Lines in, JSON Lines out, with the live model and policy."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.rasa_support import REPO_ROOT, VENV_BIN, service_env, train_small_model

pytestmark = pytest.mark.slow

FIELDS = {"id", "category", "confidence", "phi", "phi_types", "redacted_text", "action",
          "priority", "template_id", "reply_text"}


@pytest.fixture(scope="module")
def classify(tmp_path_factory):
    model = train_small_model()
    db = tmp_path_factory.mktemp("batch") / "q.db"

    def run(stdin: str):
        return subprocess.run(
            [str(VENV_BIN / "python"), "-m", "triage", "classify", "--model", str(model)],
            input=stdin, capture_output=True, text=True, cwd=REPO_ROOT,
            env=service_env(f"sqlite:///{db}"),
        )
    return run


def test_batch_triage_with_bad_lines(classify):
    lines = [
        {"id": 1, "text": "what are your visiting hours?", "surface": "private_message"},
        "this is not json",
        {"id": "a2", "text": "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery"},
        {"text": "no id here"},
        {"id": 3, "text": "I want to kill myself"},
        {"id": 4, "text": "hi", "surface": "email"},
        {"id": 5, "text": ""},
        {"id": 6, "text": "FREE FOLLOWERS!!! check my profile 💰💰"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = classify(stdin)
    assert result.returncode == 1  # some lines were rejected
    out = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {o["id"]: o for o in out}
    assert list(by_id) == [1, "a2", 3, 6]
    assert all(set(o) == FIELDS for o in out)
    assert by_id[1]["template_id"] == "faq_visiting.private"
    phi = by_id["a2"]
    assert phi["phi"] and {"NAME", "DOB"} <= set(phi["phi_types"])
    assert "Jane" not in phi["redacted_text"] and "[NAME]" in phi["redacted_text"]
    assert (phi["action"], phi["priority"], phi["template_id"]) == (
        "escalate", "high", "secure_portal.private")
    assert "Jane" not in phi["reply_text"]
    assert (by_id[3]["category"], by_id[3]["priority"]) == ("emergency", "urgent")
    assert "988" in by_id[3]["reply_text"]
    assert by_id[6]["action"] == "ignore" and by_id[6]["reply_text"] is None
    for number, reason in ((2, "not valid JSON"), (4, "missing 'id'"), (6, "surface"), (7, "empty")):
        assert f"line {number}: " in result.stderr and reason in result.stderr
    assert "Jane" not in result.stderr and "kill" not in result.stderr


def test_batch_of_a_thousand_lines_in_one_model_load(classify):
    texts = ["where do I park", "thank you nurses!", "my results came back?", "lol", "🔥🔥"]
    stdin = "".join(json.dumps({"id": i, "text": texts[i % 5]}) + "\n" for i in range(1000))
    result = classify(stdin)
    assert result.returncode == 0, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    # Chunks are parsed two at a time; the output keeps the input's order.
    assert [o["id"] for o in out] == list(range(1000))
    assert [o["category"] for o in out[:5]] == [o["category"] for o in out[5:10]]
    assert "triaged 1000 lines, 0 rejected" in result.stderr
    assert "Warning" not in result.stderr  # libraries' notices are not the user's business


def test_one_run_of_the_model_parses_as_one_text_at_a_time():
    from bot.classifier import load_classifier

    classifier = load_classifier(train_small_model())
    texts = ["where do I park", "my mom Jane Smith DOB 3/4/1950 has a fever", "🔥🔥",
             "I want to kill myself", "thank you nurses! " * 20, "¿a qué hora abren?"]
    assert classifier.parse_many(texts) == [classifier.parse(t) for t in texts]
