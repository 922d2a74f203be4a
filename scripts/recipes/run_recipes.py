#!/usr/bin/env python3
"""Runs the integration recipes of docs/recipes/ and .pre-commit-hooks.yaml against an example workspace.

Each recipe's own commands run, as written, in a throwaway git repository holding a copy of an example
workspace under `campaign/`: the GitHub Actions steps with GitHub's shell (`bash -e -o pipefail`), its
`if:` rules and its environment files; the GitLab job's script lines with GitLab's shell; the pre-commit
hook through pre-commit itself. Only what talks to a hosting service is replaced: `gh` and `curl` are
stand-ins on PATH that record what they were asked to post, and the `uses:` actions are checked for what
they would upload (the SARIF report validated against the SARIF 2.1.0 schema, the artifact present).
Installing automail is skipped: the automail under test is put on PATH instead.

Usage: run_recipes.py --automail PATH [--only github|gitlab|pre-commit]
Prints one line per check and exits 1 if any failed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workspace-examples" / "lyon-municipales"
SARIF_SCHEMA = ROOT.parent / "shared" / "conformance" / "sarif-schema-2.1.0.json"

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)
    return condition


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


# --- a repository with a campaign and a pull request -------------------------------------------------

def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_repository(base, breaking):
    """An `origin` with `main` (the example) and `feature` (a reworded subject, or an error), and a
    checkout of `feature` with full history, as actions/checkout with fetch-depth 0 leaves it."""
    seed = base / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.email", "ci@example.org")
    git(seed, "config", "user.name", "CI")
    shutil.copytree(EXAMPLE, seed / "campaign")
    (seed / "README.md").write_text("Campaign emails.\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "campaign")
    git(seed, "checkout", "-q", "-b", "feature")
    template = seed / "campaign" / "templates" / "merci-soutien.yaml"
    if breaking:
        # A sender that does not exist: an error at a precise place.
        edit(template, "sender: camille-roux", "sender: camille-rous")
    else:
        edit(template, "subject: 'Merci pour votre soutien", "subject: 'Un grand merci pour votre soutien")
    git(seed, "commit", "-q", "-am", "change the welcome email")
    origin = base / "origin.git"
    git(base, "clone", "-q", "--bare", str(seed), str(origin))
    checkout = base / "checkout"
    git(base, "clone", "-q", str(origin), str(checkout))
    git(checkout, "checkout", "-q", "feature")
    return checkout


def stand_ins(base, automail):
    """A bin folder with automail, and `gh` and `curl` that record their arguments and posted bodies."""
    bin_dir = base / "bin"
    bin_dir.mkdir()
    (bin_dir / "automail").symlink_to(automail)
    log = base / "posted.jsonl"
    recorder = f"""#!/usr/bin/env python3
import json, sys
args = sys.argv[1:]
body = None
for i, a in enumerate(args):
    if a == "--body-file" and i + 1 < len(args): body = open(args[i + 1], encoding="utf-8").read()
    if a.startswith("body@"): body = open(a[5:], encoding="utf-8").read()
    if a == "--data-urlencode" and i + 1 < len(args) and args[i + 1].startswith("body@"):
        body = open(args[i + 1][5:], encoding="utf-8").read()
with open({str(log)!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps({{"tool": sys.argv[0].rsplit("/", 1)[-1], "args": args, "body": body}}) + "\\n")
"""
    for name in ("gh", "curl"):
        path = bin_dir / name
        path.write_text(recorder)
        path.chmod(0o755)
    return bin_dir, log


def posted(log):
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def validate_sarif(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    if SARIF_SCHEMA.exists():
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
        check(not errors, f"{path.name} validates against the SARIF 2.1.0 schema"
              + (f": {errors[0].message}" if errors else ""))
    else:
        print(f"skip  SARIF schema not found at {SARIF_SCHEMA}")
    return document


# --- GitHub Actions -------------------------------------------------------------------------------------

def expression(text, context):
    """The value of a `${{ }}` expression or `if:` condition this workflow uses."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    if text in ("always()",):
        return True
    m = re.fullmatch(r"([\w.]+)\s*==\s*'([^']*)'", text)
    if m:
        return str(context[m.group(1)]) == m.group(2)
    if text in context:
        return context[text]
    raise KeyError(f"expression not understood by the recipe runner: {text}")


def substitute(value, context):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(expression(m.group(1), context)), str(value))


def run_github(automail, event, breaking):
    label = f"github {event}{' with an error' if breaking else ''}"
    workflow = yaml.safe_load((ROOT / "docs/recipes/github-actions.yml").read_text(encoding="utf-8"))
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-"))
    try:
        checkout = make_repository(base, breaking)
        if event == "push":
            git(checkout, "checkout", "-q", "main")
        bin_dir, log = stand_ins(base, automail)
        context = {
            "github.event_name": event, "github.base_ref": "main" if event == "pull_request" else "",
            "github.event.pull_request.number": "7", "github.token": "ghs_recipe",
        }
        files = {name: base / f"github_{name.lower()}" for name in ("STEP_SUMMARY", "PATH", "OUTPUT", "ENV")}
        for path in files.values():
            path.touch()
        env_base = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR", "SOURCE_DATE_EPOCH")}
        env_base["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
        env_base.update({f"GITHUB_{k}": str(v) for k, v in files.items()})
        env_base.update({"RUNNER_TEMP": str(base), "GITHUB_WORKSPACE": str(checkout), "CI": "true",
                         "GITHUB_ACTIONS": "true"})
        env_base.update({k: substitute(v, context) for k, v in (workflow.get("env") or {}).items()})
        (job,) = workflow["jobs"].values()
        env_base.update({k: substitute(v, context) for k, v in (job.get("env") or {}).items()})
        failed = False
        outcome = {}
        for index, step in enumerate(job["steps"]):
            name = step.get("id") or step.get("uses") or f"step {index}"
            condition = step.get("if")
            runs = expression(condition, context) if condition else True
            if condition is None or "always()" not in str(condition):
                runs = runs and not failed
            if not runs:
                outcome[name] = "skipped"
                continue
            if "uses" in step:
                action = step["uses"].split("@")[0]
                settings = step.get("with") or {}
                if action == "github/codeql-action/upload-sarif":
                    sarif = checkout / settings["sarif_file"]
                    if check(sarif.exists(), f"{label}: {sarif.name} exists for upload-sarif"):
                        outcome["sarif-document"] = validate_sarif(sarif)
                elif action == "actions/upload-artifact":
                    check((checkout / settings["path"]).exists(), f"{label}: the artifact {settings['path']} exists")
                outcome[name] = "success"
                continue
            if step.get("id") == "install":
                outcome[name] = "replaced"
                continue
            env = dict(env_base)
            env.update({k: substitute(v, context) for k, v in (step.get("env") or {}).items()})
            script = substitute(step["run"], context)
            result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                    cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
            outcome[name] = "success" if result.returncode == 0 else "failure"
            outcome[name + ".stdout"] = result.stdout
            outcome[name + ".stderr"] = result.stderr
            failed = failed or result.returncode != 0
        outcome["summary"] = files["STEP_SUMMARY"].read_text(encoding="utf-8")
        outcome["posted"] = posted(log)
        outcome["checkout"] = checkout
        return outcome
    finally:
        shutil.rmtree(base, ignore_errors=True)


def github_checks(automail):
    pr = run_github(automail, "pull_request", breaking=False)
    for step in ("check", "sarif", "diff", "build"):
        check(pr.get(step) == "success", f"github pull_request: step `{step}` succeeds"
              + ("" if pr.get(step) == "success" else f" ({pr.get(step)}: {pr.get(step + '.stderr', '')[-600:]})"))
    sarif = pr.get("sarif-document") or {}
    results = [r for run in sarif.get("runs", []) for r in run.get("results", [])]
    check(not [r for r in results if r.get("level") == "error"], "github pull_request: no error in the SARIF of a clean workspace")
    comments = [p for p in pr["posted"] if p["tool"] == "gh"]
    check(len(comments) == 1 and comments[0]["args"][:3] == ["pr", "comment", "7"],
          "github pull_request: one `gh pr comment 7` posted")
    body = comments[0]["body"] if comments else ""
    check("Un grand merci" in (body or ""), "github pull_request: the comment shows the reworded subject")
    check(body and body in pr["summary"], "github pull_request: the job summary holds the same diff")

    broken = run_github(automail, "pull_request", breaking=True)
    check(broken.get("check") == "failure", "github pull_request with an error: step `check` fails")
    annotations = [line for line in broken.get("check.stdout", "").splitlines() + broken.get("check.stderr", "").splitlines()
                   if line.startswith("::error ")]
    check(any("file=campaign/templates/merci-soutien.yaml" in a for a in annotations),
          "github pull_request with an error: an ::error annotation on campaign/templates/merci-soutien.yaml")
    check(broken.get("sarif") == "success", "github pull_request with an error: step `sarif` succeeds (exit 1 accepted)")
    results = [r for run in (broken.get("sarif-document") or {}).get("runs", []) for r in run.get("results", [])]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r.get("locations", [])]
    check("campaign/templates/merci-soutien.yaml" in uris,
          "github pull_request with an error: the SARIF result points at campaign/templates/merci-soutien.yaml")
    check(broken.get("diff") == "skipped" and broken.get("build") == "skipped",
          "github pull_request with an error: diff and build are skipped after the failed check")

    push = run_github(automail, "push", breaking=False)
    check(push.get("diff") == "skipped", "github push: the diff step is skipped")
    check(push.get("build") == "success", "github push: the bundle is built")


# --- GitLab CI -----------------------------------------------------------------------------------------

def run_gitlab(automail, breaking):
    """The job's script on a merge request, as GitLab's shell runs it: what it returned, printed and left."""
    pipeline = yaml.safe_load((ROOT / "docs/recipes/gitlab-ci.yml").read_text(encoding="utf-8"))
    job = pipeline["automail"]
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-"))
    try:
        checkout = make_repository(base, breaking=breaking)
        bin_dir, log = stand_ins(base, automail)
        env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR", "SOURCE_DATE_EPOCH")}
        env["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
        env.update({k: str(v) for k, v in (pipeline.get("variables") or {}).items()})
        env.update({
            "CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "42",
            "AUTOMAIL_BOT_TOKEN": "glpat-recipe",
        })
        # GitLab runs the script lines one after another in one shell that stops at the first failure.
        script = "\n".join(job["script"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
        artifacts = job["artifacts"]
        files = {name: (checkout / name).read_text(encoding="utf-8") if (checkout / name).exists() else None
                 for name in artifacts["paths"]}
        return result, artifacts, files, posted(log)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def code_quality_issues(text):
    """The issues of a Code Quality report, checked for the fields GitLab's widget requires."""
    issues = json.loads(text)
    fields_ok = isinstance(issues, list) and all(
        isinstance(i.get("description"), str) and isinstance(i.get("check_name"), str)
        and isinstance(i.get("fingerprint"), str)
        and i.get("severity") in ("info", "minor", "major", "critical", "blocker")
        and isinstance(i.get("location", {}).get("path"), str)
        and isinstance(i.get("location", {}).get("lines", {}).get("begin"), int)
        for i in issues)
    return issues if fields_ok else None


def gitlab_checks(automail):
    result, artifacts, files, notes = run_gitlab(automail, breaking=False)
    check(result.returncode == 0, "gitlab merge request: the job's script succeeds"
          + ("" if result.returncode == 0 else f": {result.stderr[-600:]}"))
    for artifact in artifacts["paths"]:
        check(files.get(artifact) is not None, f"gitlab merge request: the artifact {artifact} exists")
    report = artifacts["reports"]["codequality"]
    check(report in artifacts["paths"], "gitlab merge request: the Code Quality report is also kept as a file")
    issues = code_quality_issues(files.get(report) or "null")
    check(issues == [], f"gitlab merge request: {report} is a Code Quality report with no issue")
    notes = [p for p in notes if p["tool"] == "curl"]
    check(len(notes) == 1 and notes[0]["args"][-1].endswith("/projects/42/merge_requests/7/notes"),
          "gitlab merge request: one note posted to merge request 7")
    check(bool(notes) and "Un grand merci" in (notes[0]["body"] or ""),
          "gitlab merge request: the note shows the reworded subject")

    result, artifacts, files, notes = run_gitlab(automail, breaking=True)
    check(result.returncode != 0, "gitlab merge request with an error: the job fails")
    issues = code_quality_issues(files.get(artifacts["reports"]["codequality"]) or "null") or []
    check(any(i["location"]["path"] == "campaign/templates/merci-soutien.yaml" and i["severity"] == "blocker"
              for i in issues),
          "gitlab merge request with an error: the Code Quality report has a blocker on campaign/templates/merci-soutien.yaml")


# --- pre-commit ----------------------------------------------------------------------------------------

def pre_commit_checks(automail):
    if shutil.which("pre-commit") is None and subprocess.run([sys.executable, "-m", "pre_commit", "--version"],
                                                             capture_output=True).returncode != 0:
        check(False, "pre-commit is installed (scripts/test.sh installs it)")
        return
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-"))
    try:
        checkout = make_repository(base, breaking=False)
        bin_dir, _ = stand_ins(base, automail)
        # The hook as published, run as a local hook with the automail under test: `language: swift`
        # would have pre-commit build automail from its repository first.
        local = dict(hook, language="system", args=["campaign"])
        config = {"repos": [{"repo": "local", "hooks": [local]}]}
        (checkout / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PRE_COMMIT_HOME=str(base / "cache"))

        def pre_commit(*args):
            return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=checkout, env=env,
                                  capture_output=True, text=True, timeout=300)

        clean = pre_commit("run", "--all-files")
        check(clean.returncode == 0 and "Passed" in clean.stdout,
              "pre-commit: the hook passes on a clean workspace" + ("" if clean.returncode == 0 else f": {clean.stdout[-600:]}"))
        edit(checkout / "campaign" / "templates" / "merci-soutien.yaml", "sender: camille-roux", "sender: camille-rous")
        broken = pre_commit("run", "--files", "campaign/templates/merci-soutien.yaml")
        check(broken.returncode == 1 and "Failed" in broken.stdout and "camille-rous" in broken.stdout,
              "pre-commit: the hook fails on a broken template and shows the diagnostic")
        unrelated = pre_commit("run", "--files", "README.md")
        check(unrelated.returncode == 0 and "Skipped" in unrelated.stdout,
              "pre-commit: a commit that touches no workspace file skips the hook")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def documentation_checks():
    """docs/integration.md shows each recipe as it is, so what a reader copies is what the tests run."""
    doc = (ROOT / "docs/integration.md").read_text(encoding="utf-8")
    for recipe in ("docs/recipes/github-actions.yml", "docs/recipes/gitlab-ci.yml", ".pre-commit-hooks.yaml"):
        text = (ROOT / recipe).read_text(encoding="utf-8").rstrip()
        check(f"```yaml\n{text}\n```" in doc, f"docs/integration.md shows {recipe} as it is")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--automail", required=True)
    parser.add_argument("--only", choices=["github", "gitlab", "pre-commit"])
    args = parser.parse_args()
    automail = Path(args.automail).resolve()
    if args.only in (None, "github"):
        documentation_checks()  # once, with the first recipe
        github_checks(automail)
    if args.only in (None, "gitlab"):
        gitlab_checks(automail)
    if args.only in (None, "pre-commit"):
        pre_commit_checks(automail)
    print(f"{len(failures)} failed" if failures else "all recipe checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
