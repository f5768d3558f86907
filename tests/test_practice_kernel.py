"""The practice types in a real kernel, as JupyterLab runs them: a learner answers a
scenario, a drill and a knowledge check, closes the lesson, and a fresh kernel brings every
answer back from the journal."""

import json

from alliance.journal import Journal

OPEN = """
import json
from alliance.lesson import Lesson
lesson = Lesson("01-trust-and-safety", save_delay=0)
for ident in ("ts-scenario", "ts-drill", "ts-check"):
    lesson.exercise(ident)
scenario, drill, check = (lesson.exercises[i] for i in ("ts-scenario", "ts-drill", "ts-check"))
"""

ANSWER = """
scenario.controls["choice"].value = [o["response"] for o in scenario.spec["options"] if o["kind"] == "partly"][0]
scenario.controls["instead"].value = "Take your time."
first = drill.parts["b1"]
first["text"].value = "It stays here."
first["ratings"][0].value = "Partly"
first["again"].click()  # "Save this attempt and try again"
first["text"].value = "It stays here, unless someone is at risk."
for q in check.spec["questions"]:
    right = [o["text"] for o in q["options"] if o["correct"]]
    control = check.controls[q["id"]]
    if q["kind"] == "multiple":
        for box in control.children:
            box.value = box.description in right
    else:
        control.value = right[0]
check.check_button.click()
lesson.flush()
"""

REPORT = """
print(json.dumps({
    "choice": scenario.controls["choice"].value, "instead": scenario.controls["instead"].value,
    "attempts": drill.attempts("b1"), "count": drill.parts["b1"]["count"].value,
    "answers": {q["id"]: check.answer(q) for q in check.spec["questions"]}, "result": check.result.value,
}))
"""


def run(kc, code) -> str:
    printed = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(printed)


def test_scenario_drill_and_check_are_answered_then_restored_by_a_fresh_kernel(kernels, journal_path):
    km, kc = kernels()
    run(kc, OPEN)
    run(kc, ANSWER)
    before = json.loads(run(kc, REPORT))
    km.shutdown_kernel()  # the learner closes the lesson

    _, again = kernels()
    run(again, OPEN)
    after = json.loads(run(again, REPORT))
    assert after["choice"] == before["choice"] and after["instead"] == "Take your time."
    assert after["attempts"] == [{"text": "It stays here.", "ratings": [1, None, None]},
                                 {"text": "It stays here, unless someone is at risk.", "ratings": [None, None, None]}]
    assert "Attempts kept: 2" in after["count"]
    assert after["answers"] == before["answers"]
    total = len(before["answers"])
    assert f"{total} of {total} questions correctly" in after["result"]

    journal = Journal(journal_path)
    kept = journal.values("01-trust-and-safety", "ts-check")
    assert kept["score"] == total
    words = {a.field: a.shown for a in journal.answers() if a.exercise == "ts-drill"}
    assert words["b1"].startswith("Attempt 1: It stays here.\nMy rating: ")
