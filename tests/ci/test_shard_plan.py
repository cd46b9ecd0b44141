"""scripts/shard's plan: every scenario (outline rows one by one) in exactly one shard, for any N, the same on
every run and machine, balanced by the documented rule; read from the feature files at run time."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tools import shard
from tools.shard import ShardError, Unit, collect, parse_shard, plan, shard_command

ROOT = Path(__file__).resolve().parents[2]



def selected_by(command: list, units: list[Unit]) -> list[Unit]:
    """What behave runs of `units` given shard_command's arguments: the files named, the names matched."""
    names = [re.compile(command[i + 1]) for i, arg in enumerate(command) if arg == "--name"]
    files = {arg for arg in command if arg.endswith(".feature")}
    return [u for u in units if u.path in files and (not names or any(n.search(u.name + " ") for n in names))]


def assert_exactly_once(units, the_plan):
    assigned = Counter(u for shard_units in the_plan.shards for u in shard_units)
    assert set(assigned) == set(units) and set(assigned.values()) == {1}
    ran = Counter(u for shard_units in the_plan.shards for u in selected_by(shard_command(shard_units), units))
    assert ran == Counter(units), "some scenario would run in no shard or in two"
    if the_plan.total == 1:
        assert selected_by(shard_command(the_plan.shards[0], everything=True), units) == units


@pytest.mark.parametrize("total", [1, 2, 3, 4, 5, 7, 40])
def test_every_scenario_of_the_suite_is_in_exactly_one_shard(total):
    units = collect()
    assert units, "features/wave5 has no scenarios"
    assert_exactly_once(units, plan(units, total, shard.load_durations()))
    assert_exactly_once(units, plan(units, total, {}))


def test_the_plan_is_the_same_in_another_process_with_another_hash_seed():
    here = plan(collect(), 3, shard.load_durations())
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-m", "tools.shard", "plan", "3", "--json"], cwd=ROOT,
                             env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True)
        there = json.loads(out.stdout)
        assert there["plan"] == here.digest
        assert [s["scenarios"] for s in there["shards"]] == [[u.location for u in s] for s in here.shards]


FEATURE_A = """\
@area
Feature: Alpha
  Background:
    Given a step

  Scenario: one
    Given a step

  @slow
  Scenario Outline: rows <n>
    Given a step

    Examples: first
      | n |
      | 1 |
      | 2 |

    @tagged
    Examples: second
      | n |
      | 3 |

  Rule: a rule
    Scenario: in a rule
      Given a step

  Scenario: same name
    Given a step
"""

FEATURE_B = """\
Feature: Beta
  Scenario: same name
    Given a step

  Scenario: same name
    Given a step

  Scenario:
    Given a step without a name

  Scenario Outline: more (regex chars?) [x] <v>
    Given a step
    Examples:
      | v |
      | a |
      | b |
"""


@pytest.fixture
def features(tmp_path):
    (tmp_path / "a.feature").write_text(FEATURE_A)
    (tmp_path / "b.feature").write_text(FEATURE_B)
    (tmp_path / "empty.feature").write_text("")
    return tmp_path


def test_outline_rows_of_several_examples_tables_rules_and_duplicate_names_are_covered(features):
    units = collect([features])
    names = Counter(u.name for u in units)
    assert len(units) == 11
    assert [u.reported_name for u in units if not u.name] == ["Scenario"]
    assert names["same name"] == 3
    assert sum(1 for u in units if u.name.startswith("rows")) == 3  # two tables, three rows
    assert any(u.name == "in a rule" for u in units)
    for total in range(1, 8):
        the_plan = plan(units, total)
        assert_exactly_once(units, the_plan)
        # scenarios sharing a name are selected by that name: they stay in one shard
        assert sum(1 for s in the_plan.shards if any(u.name == "same name" for u in s)) == 1


def test_tags_on_examples_and_on_the_feature_select_rows(features):
    tagged = collect([features], ["@tagged"])
    assert [u.name for u in tagged] == ["rows 3 -- @2.1 second"]
    assert "slow" in tagged[0].tags and "area" in tagged[0].tags
    assert len(collect([features], ["not @slow"])) == 8


def test_a_new_feature_file_is_picked_up(features):
    before = collect([features])
    (features / "c.feature").write_text("Feature: Gamma\n  Scenario: new one\n    Given a step\n")
    after = collect([features])
    assert len(after) == len(before) + 1
    assert_exactly_once(after, plan(after, 3))


def test_without_durations_the_counts_differ_by_at_most_one(features):
    units = [u for u in collect([features]) if u.name != "same name"]
    for total in range(1, 6):
        sizes = [len(s) for s in plan(units, total).shards]
        assert max(sizes) - min(sizes) <= 1


def test_with_durations_no_shard_is_heavier_than_the_lightest_by_more_than_one_scenario():
    units = collect()
    durations = shard.load_durations()
    for total in (2, 3, 4):
        the_plan = plan(units, total, durations)
        loads = [the_plan.load(i) for i in range(1, total + 1)]
        assert max(loads) - min(loads) <= max(the_plan.weight.values())


def test_unlisted_scenarios_weigh_the_median_of_the_listed_ones():
    units = [Unit("f", i, "F", f"s{i}") for i in range(4)]
    weights = shard.weights(units, {"f::s0": 1.0, "f::s1": 3.0, "f::s2": 2.0})
    assert weights == {"f::s0": 1000, "f::s1": 3000, "f::s2": 2000, "f::s3": 2000}
    assert shard.weights(units[:1], {}) == {"f::s0": shard.DEFAULT_WEIGHT_MS}


def test_a_shard_is_i_of_n():
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "1/0", "x", "1-3", ""):
        with pytest.raises(ShardError):
            parse_shard(bad)


def test_an_unparsable_feature_file_is_one_line(tmp_path):
    (tmp_path / "bad.feature").write_text("Feature: x\n  Scenario: y\n    Given a\n  Examples:\n   | a |\n")
    with pytest.raises(ShardError, match="cannot parse"):
        collect([tmp_path])
    out = subprocess.run([sys.executable, "-m", "tools.shard", "plan", "2", "--features", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_behave_itself_selects_each_scenario_in_exactly_one_shard(tmp_path):
    """The shards' own behave commands (dry run): together they name every scenario of the suite once."""
    units = collect()
    the_plan = plan(units, 3, shard.load_durations())
    ran = Counter()
    for index, shard_units in enumerate(the_plan.shards, start=1):
        out = subprocess.run([sys.executable, "-m", "behave", "--dry-run", "--no-skipped", "--no-summary", "-f",
                              "plain", "--no-capture", "--no-junit", *shard_command(shard_units)],
                             cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PRESSLUFT_REPORTS_DIR": str(tmp_path / f"s{index}")})
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
        feature = None
        for line in out.stdout.splitlines():
            if line.startswith("Feature: "):
                feature = line[len("Feature: "):].strip()
            elif line.lstrip().startswith(("Scenario: ", "Scenario Outline: ")):
                ran[(feature, line.split(": ", 1)[1].strip())] += 1
    assert ran == Counter((u.feature, u.name) for u in units)
