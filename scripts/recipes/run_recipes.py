#!/usr/bin/env python3
"""Runs the integration recipes of docs/recipes/ and .pre-commit-hooks.yaml against an example workspace.

Each recipe's own commands run, as written, in a throwaway git repository holding a copy of an example
workspace under `campaign/`: the GitHub Actions steps with GitHub's shell (`bash -e -o pipefail`), its
`if:` rules and its environment files, and the steps of the repository's own action (action.yml) where the
workflow uses it; the GitLab job's before_script and script with GitLab's shell; the pre-commit hook through
pre-commit itself, from a git repository of the hook tagged as a release. Only what talks to a hosting
service is replaced: `gh` and `curl` are stand-ins on PATH that record what they were asked; `curl` serves
a release archive's download from a local folder, made by `scripts/release.sh VERSION --binary` from the
automail under test (so each recipe installs the archive as written: checksum, unpacking, PATH); the other
`uses:` actions are checked for what they would upload (the SARIF report validated against the SARIF 2.1.0
schema, the artifact present), and actions/cache keeps what a job saved for the next job.

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


# --- release archives, and the stand-ins ------------------------------------------------------------

RELEASES = {}  # (version, tampered) -> a folder of releases: v<version>/<archive>, as a download serves them


def release_folder(automail, version, scratch, tampered=False):
    """A folder standing in for the releases of automail's repository: `v<version>/` holds the archive of
    the automail under test and its .sha256, made by scripts/release.sh like a real release's files.
    Tampered: the archive has bytes appended after its checksum was written."""
    key = (version, tampered)
    if key not in RELEASES:
        folder = scratch / f"releases{'-tampered' if tampered else ''}"
        target = folder / f"v{version}"
        result = subprocess.run(["bash", str(ROOT / "scripts/release.sh"), version, "--binary", str(automail),
                                 "--output", str(target)], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"scripts/release.sh {version} --binary failed: {result.stderr[-2000:]}")
        if tampered:
            with open(target / f"automail-{version}-linux-x86_64.tar.gz", "ab") as archive:
                archive.write(b"\0" * 512)
        RELEASES[key] = folder
    return RELEASES[key]


def stand_ins(base, releases, automail=None):
    """A bin folder with `gh` and `curl` that record their arguments and posted bodies; `curl` serves
    `…/releases/download/v<version>/<file>` from the folder `releases` (404 for a file it lacks), as
    GitHub serves a release's files. With `automail`, the automail under test is on it too."""
    bin_dir = base / "bin"
    bin_dir.mkdir()
    if automail is not None:
        (bin_dir / "automail").symlink_to(automail)
    log = base / "posted.jsonl"
    recorder = f"""#!/usr/bin/env python3
import json, os, re, shutil, sys
args = sys.argv[1:]
body = None
output = None
for i, a in enumerate(args):
    if a == "--body-file" and i + 1 < len(args): body = open(args[i + 1], encoding="utf-8").read()
    if a.startswith("body@"): body = open(a[5:], encoding="utf-8").read()
    if a == "--data-urlencode" and i + 1 < len(args) and args[i + 1].startswith("body@"):
        body = open(args[i + 1][5:], encoding="utf-8").read()
    if a in ("--output", "-o") and i + 1 < len(args): output = args[i + 1]
tool = sys.argv[0].rsplit("/", 1)[-1]
url = args[-1] if args else ""
download = re.search(r"/releases/download/(v[^/]+)/([^/]+)$", url) if tool == "curl" else None
served = None
if download:
    served = os.path.join({str(releases)!r}, download.group(1), download.group(2))
    if not os.path.isfile(served):
        served = None
with open({str(log)!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps({{"tool": tool, "args": args, "body": body, "url": url, "served": served}}) + "\\n")
if download:
    if served is None or output is None:
        sys.stderr.write("curl: (22) The requested URL returned error: 404\\n")
        sys.exit(22)
    shutil.copyfile(served, output)
"""
    for name in ("gh", "curl"):
        path = bin_dir / name
        path.write_text(recorder)
        path.chmod(0o755)
    return bin_dir, log


def downloads(log):
    """The release files the recipe asked curl for, by URL."""
    return [p["url"] for p in posted(log) if p["tool"] == "curl" and "/releases/download/" in p["url"]]


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

GITHUB_ACTIONS_STOOD_IN = ("actions/checkout", "actions/cache", "actions/upload-artifact",
                           "github/codeql-action/upload-sarif")
ACTION_CACHE = {}  # actions/cache: key -> a copy of what a job saved under it, for the jobs after it


def as_text(value):
    """A value as GitHub writes it into a string: booleans in lower case."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def lookup(name, context):
    if name in context:
        return context[name]
    if name.startswith(("steps.", "env.")):
        return ""  # an output or variable nobody set is empty, as on GitHub
    raise KeyError(f"expression not understood by the recipe runner: {name}")


def expression(text, context):
    """The value of a `${{ }}` expression or `if:` condition the workflow or the action uses."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    if text in ("always()",):
        return True
    m = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", text)
    if m:
        return (as_text(lookup(m.group(1), context)) == m.group(3)) == (m.group(2) == "==")
    return lookup(text, context)


def substitute(value, context):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(expression(m.group(1), context)), str(value))


def file_command_values(path):
    """`name=value` and `name<<DELIMITER` … `DELIMITER` lines of GITHUB_OUTPUT."""
    values, lines = {}, path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


class GitHubJob:
    """One job on a runner: steps and the repository's own composite action run as GitHub runs them."""

    def __init__(self, base, checkout, env_base, context, label):
        self.base, self.checkout, self.env_base, self.context, self.label = base, checkout, env_base, context, label
        self.path = []  # folders added through GITHUB_PATH, the latest first
        self.outcome = {}
        self.post = []  # actions/cache saves, done when the job ends
        self.counter = 0

    def file(self, name):
        self.counter += 1
        path = self.base / f"github_{name.lower()}_{self.counter}"
        path.touch()
        return path

    def run_script(self, script, env_extra):
        env = dict(self.env_base)
        env["PATH"] = ":".join(self.path + [self.env_base["PATH"]])
        env.update(env_extra)
        output, path_file = self.file("OUTPUT"), self.file("PATH")
        env.update({"GITHUB_OUTPUT": str(output), "GITHUB_PATH": str(path_file)})
        result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                cwd=self.checkout, env=env, capture_output=True, text=True, timeout=300)
        self.path = [line for line in reversed(path_file.read_text(encoding="utf-8").splitlines()) if line] + self.path
        return result, file_command_values(output)

    def run_steps(self, steps, context, env_extra, prefix=""):
        """Runs steps in order (a step without always() is skipped after a failure); returns whether all
        that ran succeeded, and records each step's outcome, output and printed text."""
        failed = False
        for index, step in enumerate(steps):
            name = prefix + (step.get("id") or step.get("uses") or f"step {index}")
            condition = step.get("if")
            runs = bool(expression(condition, context)) if condition else True
            if condition is None or "always()" not in str(condition):
                runs = runs and not failed
            if not runs:
                self.outcome[name] = "skipped"
                continue
            if "uses" in step:
                ok, outputs = self.run_action(step, context, name)
            else:
                env = dict(env_extra)
                env.update({k: substitute(v, context) for k, v in (step.get("env") or {}).items()})
                result, outputs = self.run_script(substitute(step["run"], context), env)
                ok = result.returncode == 0
                self.outcome[name + ".stdout"] = result.stdout
                self.outcome[name + ".stderr"] = result.stderr
            self.outcome[name] = "success" if ok else "failure"
            if step.get("id"):
                context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
            failed = failed or not ok
        return not failed

    def run_action(self, step, context, name):
        """A `uses:` step: the repository's own action runs its steps; the others are stood in for."""
        action, _, ref = step["uses"].partition("@")
        settings = {k: substitute(v, context) for k, v in (step.get("with") or {}).items()}
        if action == "github/codeql-action/upload-sarif":
            # Fails, as the real action does, when there is no SARIF to upload.
            sarif = self.checkout / settings["sarif_file"]
            try:
                json.loads(sarif.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return False, {}
            self.outcome["sarif-document"] = validate_sarif(sarif)
            return True, {}
        if action == "actions/upload-artifact":
            return (self.checkout / settings["path"]).exists(), {}
        if action == "actions/cache":
            key, path = settings["key"], Path(settings["path"])
            if key in ACTION_CACHE:
                shutil.copytree(ACTION_CACHE[key], path, dirs_exist_ok=True)
                return True, {"cache-hit": "true"}
            self.post.append((key, path))
            return True, {"cache-hit": "false"}
        if action == "actions/checkout":
            return True, {}
        # The repository's own action (`OWNER/automail@v0.1.0`): action.yml's composite steps.
        definition = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
        check(not action.startswith(GITHUB_ACTIONS_STOOD_IN) and definition["runs"]["using"] == "composite",
              f"{self.label}: `{step['uses']}` is the repository's composite action")
        inputs = {f"inputs.{k}": settings.get(k, as_text(spec.get("default", "")))
                  for k, spec in definition.get("inputs", {}).items()}
        unknown = set(settings) - {k[len("inputs."):] for k in inputs}
        check(not unknown, f"{self.label}: the workflow gives the action only inputs it declares"
              + (f" (not {sorted(unknown)})" if unknown else ""))
        inner = {k: v for k, v in self.context.items() if k.startswith("github.")}
        inner.update(inputs)
        inner.update({"github.action_repository": action, "github.action_ref": ref})
        ok = self.run_steps(definition["runs"]["steps"], inner, {"GITHUB_ACTION_PATH": str(ROOT)}, prefix=name + "/")
        inner_steps = [name + "/" + (s.get("id") or "") for s in definition["runs"]["steps"]]
        self.outcome[name + ".stdout"] = "".join(self.outcome.get(s + ".stdout", "") for s in inner_steps)
        self.outcome[name + ".stderr"] = "".join(self.outcome.get(s + ".stderr", "") for s in inner_steps)
        outputs = {k: substitute(spec["value"], inner) for k, spec in (definition.get("outputs") or {}).items()}
        return ok, outputs

    def finish(self, succeeded):
        """actions/cache's post step: saves what it did not restore, when the job succeeded."""
        for key, path in self.post if succeeded else []:
            if path.exists() and key not in ACTION_CACHE:
                ACTION_CACHE[key] = self.base.parent / f"action-cache-{len(ACTION_CACHE)}"
                shutil.copytree(path, ACTION_CACHE[key])


def run_github(automail, event, breaking, scratch, tampered=False):
    label = f"github {event}{' with an error' if breaking else ''}{' with a tampered archive' if tampered else ''}"
    workflow = yaml.safe_load((ROOT / "docs/recipes/github-actions.yml").read_text(encoding="utf-8"))
    (job_definition,) = workflow["jobs"].values()
    versions = [s["uses"].partition("@v")[2] for s in job_definition["steps"]
                if "uses" in s and not s["uses"].startswith(GITHUB_ACTIONS_STOOD_IN)]
    releases = release_folder(automail, versions[0] if versions else "0.1.0", scratch, tampered)
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-", dir=scratch))
    try:
        checkout = make_repository(base, breaking)
        if event == "push":
            git(checkout, "checkout", "-q", "main")
        bin_dir, log = stand_ins(base, releases)  # no automail: the workflow installs it
        context = {
            "github.event_name": event, "github.base_ref": "main" if event == "pull_request" else "",
            "github.event.pull_request.number": "7", "github.token": "ghs_recipe",
        }
        summary = base / "github_step_summary"
        summary.touch()
        env_base = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR", "SOURCE_DATE_EPOCH")}
        env_base["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
        (base / "toolcache").mkdir()
        env_base.update({"RUNNER_TEMP": str(base), "GITHUB_WORKSPACE": str(checkout), "CI": "true",
                         "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                         "GITHUB_SERVER_URL": "https://github.com", "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                         "RUNNER_TOOL_CACHE": str(base / "toolcache")})
        for scope in (workflow, job_definition):
            values = {k: substitute(v, context) for k, v in (scope.get("env") or {}).items()}
            env_base.update(values)
            context.update({f"env.{k}": v for k, v in values.items()})
        job = GitHubJob(base, checkout, env_base, context, label)
        job.finish(job.run_steps(job_definition["steps"], context, {}))
        outcome = job.outcome
        outcome["summary"] = summary.read_text(encoding="utf-8")
        outcome["posted"] = posted(log)
        outcome["downloads"] = downloads(log)
        outcome["checkout"] = checkout
        outcome["installed"] = sorted(str(p.relative_to(base / "toolcache")) for p in (base / "toolcache").glob("*/*/*/*/automail"))
        return outcome
    finally:
        shutil.rmtree(base, ignore_errors=True)


UPLOAD_SARIF, UPLOAD_ARTIFACT = "github/codeql-action/upload-sarif@v3", "actions/upload-artifact@v4"


def github_checks(automail, scratch):
    ACTION_CACHE.clear()
    pr = run_github(automail, "pull_request", breaking=False, scratch=scratch)
    for step in ("check", "sarif", UPLOAD_SARIF, "diff", "build", UPLOAD_ARTIFACT):
        check(pr.get(step) == "success", f"github pull_request: step `{step}` succeeds"
              + ("" if pr.get(step) == "success" else f" ({pr.get(step)}: {pr.get(step + '.stderr', '')[-600:]})"))
    release = "https://github.com/OWNER/automail/releases/download/v0.1.0/automail-0.1.0-linux-x86_64.tar.gz"
    check(pr["downloads"] == [release + ".sha256", release],
          f"github pull_request: the action downloads the checksum, then the archive, from the repository of `uses:` ({pr['downloads']})")
    check(pr["installed"] == ["automail/0.1.0/x64/automail-0.1.0-linux-x86_64/automail"],
          f"github pull_request: automail is unpacked in the runner's tool cache ({pr['installed']})")
    check("automail 0.1.0 installed" in pr.get("check/install.stdout", ""),
          "github pull_request: the install step says which automail it installed")
    sarif = pr.get("sarif-document") or {}
    results = [r for run in sarif.get("runs", []) for r in run.get("results", [])]
    check(not [r for r in results if r.get("level") == "error"], "github pull_request: no error in the SARIF of a clean workspace")
    comments = [p for p in pr["posted"] if p["tool"] == "gh"]
    check(len(comments) == 1 and comments[0]["args"][:3] == ["pr", "comment", "7"],
          "github pull_request: one `gh pr comment 7` posted")
    body = comments[0]["body"] if comments else ""
    check("Un grand merci" in (body or ""), "github pull_request: the comment shows the reworded subject")
    check(body and body in pr["summary"], "github pull_request: the job summary holds the same diff")

    broken = run_github(automail, "pull_request", breaking=True, scratch=scratch)
    check(broken.get("check") == "failure", "github pull_request with an error: step `check` fails")
    check(broken.get("check/install") == "success" and broken.get("check/check") == "failure",
          "github pull_request with an error: the action installs automail, then its check fails")
    check(broken["downloads"] == [release + ".sha256"],
          f"github pull_request with an error: the archive comes from the cache the first job saved, checked against the checksum ({broken['downloads']})")
    annotations = [line for line in broken.get("check.stdout", "").splitlines() + broken.get("check.stderr", "").splitlines()
                   if line.startswith("::error ")]
    check(any("file=campaign/templates/merci-soutien.yaml" in a for a in annotations),
          "github pull_request with an error: an ::error annotation on campaign/templates/merci-soutien.yaml")
    check(broken.get("sarif") == "success" and broken.get(UPLOAD_SARIF) == "success",
          "github pull_request with an error: step `sarif` succeeds (exit 1 accepted), and the report is uploaded")
    results = [r for run in (broken.get("sarif-document") or {}).get("runs", []) for r in run.get("results", [])]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r.get("locations", [])]
    check("campaign/templates/merci-soutien.yaml" in uris,
          "github pull_request with an error: the SARIF result points at campaign/templates/merci-soutien.yaml")
    check(broken.get("diff") == "skipped" and broken.get("build") == "skipped",
          "github pull_request with an error: diff and build are skipped after the failed check")

    push = run_github(automail, "push", breaking=False, scratch=scratch)
    check(push.get("diff") == "skipped", "github push: the diff step is skipped")
    check(push.get("build") == "success" and push.get(UPLOAD_ARTIFACT) == "success",
          "github push: the bundle is built and uploaded")

    ACTION_CACHE.clear()
    tampered = run_github(automail, "pull_request", breaking=False, scratch=scratch, tampered=True)
    check(tampered.get("check/install") == "failure" and tampered.get("check/check") == "skipped",
          "github, a tampered archive: the install step fails and nothing is checked")
    check("does not match its SHA-256" in tampered.get("check.stderr", ""),
          "github, a tampered archive: the step says the archive does not match its SHA-256")
    check(tampered["installed"] == [], "github, a tampered archive: nothing is unpacked")
    check(tampered.get("build") == "skipped", "github, a tampered archive: the bundle is not built")


def installer_checks(automail, scratch):
    """scripts/install-release.sh, which the action and the pre-commit hook run, on what the recipes do not
    reach: a pinned checksum (`sha256` input), right or wrong, and a published checksum file that is not one."""
    releases = release_folder(automail, "0.1.0", scratch)
    name = "automail-0.1.0-linux-x86_64"
    digest = (releases / "v0.1.0" / f"{name}.tar.gz.sha256").read_text().split()[0]
    base = Path(tempfile.mkdtemp(prefix="automail-install-", dir=scratch))
    try:
        bin_dir, log = stand_ins(base, releases)
        env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR")}
        env["PATH"] = f"{bin_dir}:{os.environ['PATH']}"

        def install(into, *extra):
            return subprocess.run(["bash", str(ROOT / "scripts/install-release.sh"), "--repository",
                                   "https://example.invalid/automail", "--version", "0.1.0", "--into", str(base / into),
                                   *extra], env=env, capture_output=True, text=True, timeout=120)

        pinned = install("pinned", "--sha256", digest)
        check(pinned.returncode == 0 and pinned.stdout.strip() == str(base / "pinned" / name)
              and (base / "pinned" / name / "automail").exists()
              and [u.rsplit("/", 1)[-1] for u in downloads(log)] == [f"{name}.tar.gz"],
              "install-release.sh --sha256 (the action's `sha256` input): the archive alone is downloaded, checked, unpacked")
        wrong = install("wrong", "--sha256", "0" * 64)
        check(wrong.returncode == 1 and "does not match its SHA-256" in wrong.stderr
              and not (base / "wrong" / name).exists(),
              "install-release.sh with a wrong pinned SHA-256: refused, nothing unpacked")
        (base / "fake").mkdir()
        (base / "fake" / "v0.1.0").mkdir()
        shutil.copy(releases / "v0.1.0" / f"{name}.tar.gz", base / "fake" / "v0.1.0")
        (base / "fake" / "v0.1.0" / f"{name}.tar.gz.sha256").write_text("<html>Not Found</html>\n")
        bad_bin, _ = stand_ins(base / "fake", base / "fake")
        env["PATH"] = f"{bad_bin}:{os.environ['PATH']}"
        malformed = install("malformed")
        check(malformed.returncode == 1 and "is not the checksum of" in malformed.stderr
              and not (base / "malformed" / name).exists(),
              "install-release.sh with a published checksum file that is not one: refused, nothing unpacked")
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- GitLab CI -----------------------------------------------------------------------------------------

GITLAB_REPOSITORY = "https://example.invalid/automail"  # what a user sets AUTOMAIL_REPOSITORY to


def run_gitlab(automail, breaking, scratch, repository=GITLAB_REPOSITORY, cache=None, tampered=False):
    """The job on a merge request, before_script then script, as GitLab's shell runs them: what it returned,
    printed, posted, downloaded and left. `cache`: a folder of the job's cache paths to restore first;
    what the job leaves in them is saved back into it."""
    pipeline = yaml.safe_load((ROOT / "docs/recipes/gitlab-ci.yml").read_text(encoding="utf-8"))
    job = pipeline["automail"]
    variables = {k: str(v) for k, v in (pipeline.get("variables") or {}).items()}
    releases = release_folder(automail, variables.get("AUTOMAIL_VERSION", "0.1.0"), scratch, tampered)
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-", dir=scratch))
    try:
        checkout = make_repository(base, breaking=breaking)
        bin_dir, log = stand_ins(base, releases)  # no automail: the job installs it
        cached = [path.rstrip("/") for path in job["cache"]["paths"]]
        if cache is not None:
            for path in cached:
                if (cache / path).exists():
                    shutil.copytree(cache / path, checkout / path)
        env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR", "SOURCE_DATE_EPOCH")}
        env["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
        env.update(variables)
        env["AUTOMAIL_REPOSITORY"] = repository
        env.update({
            "CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "42",
            "AUTOMAIL_BOT_TOKEN": "glpat-recipe",
        })
        # GitLab runs before_script and script one line after another in one shell that stops at the first
        # failure.
        script = "\n".join(job.get("before_script", []) + job["script"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
                                cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
        if cache is not None:
            for path in cached:
                shutil.rmtree(cache / path, ignore_errors=True)
                if (checkout / path).exists():
                    shutil.copytree(checkout / path, cache / path)
        artifacts = job["artifacts"]
        files = {name: (checkout / name).read_text(encoding="utf-8") if (checkout / name).exists() else None
                 for name in artifacts["paths"]}
        return result, artifacts, files, posted(log), downloads(log)
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


def gitlab_checks(automail, scratch):
    cache = scratch / "gitlab-cache"
    cache.mkdir()
    result, artifacts, files, notes, fetched = run_gitlab(automail, breaking=False, scratch=scratch, cache=cache)
    check(result.returncode == 0, "gitlab merge request: the job's script succeeds"
          + ("" if result.returncode == 0 else f": {result.stderr[-600:]}"))
    release = f"{GITLAB_REPOSITORY}/releases/download/v0.1.0/automail-0.1.0-linux-x86_64.tar.gz"
    check(fetched == [release + ".sha256", release],
          f"gitlab merge request: the job downloads the checksum, then the archive, from AUTOMAIL_REPOSITORY ({fetched})")
    for artifact in artifacts["paths"]:
        check(files.get(artifact) is not None, f"gitlab merge request: the artifact {artifact} exists")
    report = artifacts["reports"]["codequality"]
    check(report in artifacts["paths"], "gitlab merge request: the Code Quality report is also kept as a file")
    issues = code_quality_issues(files.get(report) or "null")
    check(issues == [], f"gitlab merge request: {report} is a Code Quality report with no issue")
    notes = [p for p in notes if p["tool"] == "curl" and "/releases/download/" not in p["url"]]
    check(len(notes) == 1 and notes[0]["args"][-1].endswith("/projects/42/merge_requests/7/notes"),
          "gitlab merge request: one note posted to merge request 7")
    check(bool(notes) and "Un grand merci" in (notes[0]["body"] or ""),
          "gitlab merge request: the note shows the reworded subject")

    result, artifacts, files, notes, fetched = run_gitlab(automail, breaking=True, scratch=scratch, cache=cache)
    check(result.returncode != 0, "gitlab merge request with an error: the job fails")
    check(fetched == [release + ".sha256"],
          f"gitlab merge request with an error: the archive comes from the job cache, checked against the checksum ({fetched})")
    issues = code_quality_issues(files.get(artifacts["reports"]["codequality"]) or "null") or []
    check(any(i["location"]["path"] == "campaign/templates/merci-soutien.yaml" and i["severity"] == "blocker"
              for i in issues),
          "gitlab merge request with an error: the Code Quality report has a blocker on campaign/templates/merci-soutien.yaml")

    result, _, files, _, fetched = run_gitlab(automail, breaking=False, scratch=scratch, repository="")
    check(result.returncode != 0 and "set AUTOMAIL_REPOSITORY" in result.stderr and fetched == [],
          "gitlab, AUTOMAIL_REPOSITORY left empty: the job fails at once and says to set it")

    result, artifacts, files, _, fetched = run_gitlab(automail, breaking=False, scratch=scratch, tampered=True)
    check(result.returncode != 0 and "FAILED" in result.stdout + result.stderr
          and files.get(artifacts["reports"]["codequality"]) is None,
          "gitlab, a tampered archive: the checksum fails and automail never runs")


# --- pre-commit ----------------------------------------------------------------------------------------

HOOK_FILES = (".pre-commit-hooks.yaml", "scripts/pre-commit-hook.sh", "scripts/install-release.sh")


def documented_pre_commit_config():
    """The .pre-commit-config.yaml shown in .pre-commit-hooks.yaml's leading comment."""
    lines = []
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("#   "):
            lines.append(line[4:])
        elif lines:
            break
    return yaml.safe_load("\n".join(lines))


def hook_repository(base, version):
    """automail's repository as pre-commit sees it: the hook's files, committed and tagged v<version>."""
    repository = base / "automail-repository"
    for name in HOOK_FILES:
        (repository / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repository / name)
    git(repository, "init", "-q", "-b", "main")
    git(repository, "config", "user.email", "release@example.org")
    git(repository, "config", "user.name", "Release")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "release")
    git(repository, "tag", "-a", f"v{version}", "-m", f"automail {version}")
    return repository


def pre_commit_checks(automail, scratch):
    if shutil.which("pre-commit") is None and subprocess.run([sys.executable, "-m", "pre_commit", "--version"],
                                                             capture_output=True).returncode != 0:
        check(False, "pre-commit is installed (scripts/test.sh installs it)")
        return
    config = documented_pre_commit_config()
    (entry,) = config["repos"]
    version = str(entry["rev"]).removeprefix("v")
    releases = release_folder(automail, version, scratch)
    base = Path(tempfile.mkdtemp(prefix="automail-recipe-", dir=scratch))
    try:
        checkout = make_repository(base, breaking=False)
        bin_dir, log = stand_ins(base, releases)  # no automail: the hook installs it
        repository = hook_repository(base, version)
        # The configuration the hook's file documents, with this repository's URL set.
        entry["repo"] = str(repository)
        (checkout / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PRE_COMMIT_HOME=str(base / "cache"))

        def pre_commit(*args):
            return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=checkout, env=env,
                                  capture_output=True, text=True, timeout=300)

        clean = pre_commit("run", "--all-files")
        check(clean.returncode == 0 and "Passed" in clean.stdout,
              "pre-commit: the hook passes on a clean workspace" + ("" if clean.returncode == 0 else f": {clean.stdout[-600:]}"))
        release = f"{repository}/releases/download/v{version}/automail-{version}-linux-x86_64.tar.gz"
        check(downloads(log) == [release + ".sha256", release],
              f"pre-commit: the hook downloads the archive of `rev:` from the repository's releases ({downloads(log)})")
        edit(checkout / "campaign" / "templates" / "merci-soutien.yaml", "sender: camille-roux", "sender: camille-rous")
        broken = pre_commit("run", "--files", "campaign/templates/merci-soutien.yaml")
        check(broken.returncode == 1 and "Failed" in broken.stdout and "camille-rous" in broken.stdout,
              "pre-commit: the hook fails on a broken template and shows the diagnostic")
        unrelated = pre_commit("run", "--files", "README.md")
        check(unrelated.returncode == 0 and "Skipped" in unrelated.stdout,
              "pre-commit: a commit that touches no workspace file skips the hook")
        check(len(downloads(log)) == 2, "pre-commit: later runs use the installed archive, with no download")

        # The other hook: the automail on the PATH (macOS, a build from source).
        (bin_dir / "automail").symlink_to(automail)
        entry["hooks"] = [dict(entry["hooks"][0], id="automail-check-system")]
        (checkout / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        system = pre_commit("run", "--files", "campaign/templates/merci-soutien.yaml")
        check(system.returncode == 1 and "camille-rous" in system.stdout,
              "pre-commit: automail-check-system runs the automail on the PATH")
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
    scratch = Path(tempfile.mkdtemp(prefix="automail-recipes-"))
    try:
        if args.only in (None, "github"):
            documentation_checks()  # once, with the first recipe
            github_checks(automail, scratch)
            installer_checks(automail, scratch)
        if args.only in (None, "gitlab"):
            gitlab_checks(automail, scratch)
        if args.only in (None, "pre-commit"):
            pre_commit_checks(automail, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all recipe checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
