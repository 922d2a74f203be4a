#!/usr/bin/env python3
"""Opens the examples' emails and review pages in headless Chromium and checks what a person looks for.

Usage: check_emails.py --automail PATH --out FOLDER

For each example workspace (and a copy of Riverside with a logo and a contact whose values are 60
characters long), `automail preview --all` writes the review site into FOLDER. Then:

1. every `.eml` parses with Python's `email` package without a defect; its HTML part parses with html5lib
   without an error; no text line is over 78 characters unless it is one word that cannot break (a URL);
2. in Chromium, every email at 375 px (light): no horizontal scrolling, the preheader not visible, the
   button (when there is one) visible with its text at 4.5:1 on its background, the footer's text and
   links at 12 px or more and 4.5:1 on what is behind them, the unsubscribe link visible, a logo's alt
   text present; a few emails again at 800 px, light and dark, with the same footer and button checks;
3. the review pages: the index lists every template, a template page shows what sends it and three
   frames, and its locale and contact switches open the page they name;
4. `automail preview --serve` on a copy of Riverside: the open page reloads with the new subject after the
   template file is touched, and shows the diagnostics once the workspace stops building.

Prints one line per failure and a summary; exits 1 on any failure. Chromium missing is a failure.
"""
import argparse
import email
import email.policy
import glob
import os
import re
import shutil
import subprocess
import sys

import html5lib
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPOSITORY = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = ["lyon-municipales", "riverside-tenants"]
DATE = "1767225600"

# The WCAG 2 contrast of computed colours, the background found by walking up to an opaque one.
CONTRAST_JS = """
function parse(c) { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(',').map(s => parseFloat(s)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; }
function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
function background(el) { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
  if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
function contrast(el) { const fg = parse(getComputedStyle(el).color), bg = background(el);
  const a = lum(fg), b = lum(bg); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
"""

failures = []


def fail(where, what):
    failures.append(f"{where}: {what}")


def build_sites(automail, out):
    sites = {}
    for name in EXAMPLES:
        sites[name] = os.path.join(out, name)
    # Riverside with a logo, and a sample whose text values are 60 characters long.
    branded = os.path.join(out, "workspace-branded")
    shutil.copytree(os.path.join(REPOSITORY, "workspace-examples", "riverside-tenants"), branded)
    manifest = os.path.join(branded, "automail.yaml")
    with open(manifest, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("brand:\n", "brand:\n  logo:\n    url: https://riversidetenants.org/logo.png\n"
                        "    alt: Riverside Tenants Association logo\n    width: 140\n", 1)
    long_value = "Alexandrina-Maximiliana de la Cruz Montenegro Oyelaran Ruizz"  # 60 characters
    assert len(long_value) == 60
    text += ("\nsamples:\n  - id: short\n    locale: en\n    contact:\n      firstname: Alex\n"
             "      mail: alex@riversidetenants.org\n"
             "  - id: long-values\n    locale: en\n    contact:\n"
             + "".join(f"      {key}: {long_value}\n" for key in ("firstname", "surname", "building", "unit"))
             + "      mail: long-values@riversidetenants.org\n")
    with open(manifest, "w", encoding="utf-8") as f:
        f.write(text)
    sites["branded"] = os.path.join(out, "branded")
    sources = {name: os.path.join(REPOSITORY, "workspace-examples", name) for name in EXAMPLES}
    sources["branded"] = branded
    for name, folder in sites.items():
        run = subprocess.run([automail, "preview", "--all", sources[name], "--output", folder, "--date", DATE],
                             capture_output=True, text=True)
        if run.returncode != 0:
            fail(name, f"automail preview --all failed: {run.stderr.strip()}")
    return sites


def check_files(site):
    emails = {}
    for eml in sorted(glob.glob(os.path.join(site, "*.eml"))):
        where = os.path.relpath(eml, os.path.dirname(site))
        with open(eml, "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        for part in message.walk():
            if part.defects:
                fail(where, f"email defects {part.defects}")
        html_part, text_part = message.get_body(("html",)), message.get_body(("plain",))
        if html_part is None or text_part is None:
            fail(where, "no HTML or no text part")
            continue
        html, text = html_part.get_content(), text_part.get_content().replace("\r\n", "\n")
        parser = html5lib.HTMLParser(namespaceHTMLElements=False)
        parser.parse(html)
        for position, code, data in parser.errors:
            fail(where, f"html5lib: {code} at {position} {data}")
        for line in text.split("\n"):
            words = line.lstrip(" >").split()
            if words and (words[0] == "-" or re.fullmatch(r"\d+\.", words[0])):
                words = words[1:]
            if len(line) > 78 and len(words) > 1:
                fail(where, f"text line of {len(line)} characters: {line[:50]}…")
        path = eml[:-4] + ".email.html"
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
        emails[where] = path
    return emails


def check_email(driver, where, path, width, scheme):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get("file://" + path)
    where = f"{where} at {width} px, {scheme}"
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    if scroll > width:
        fail(where, f"horizontal scrolling: {scroll} px wide")
    for pre in driver.find_elements(By.CSS_SELECTOR, ".am-preheader"):
        if pre.is_displayed() or pre.size["height"] > 0:
            fail(where, "the preheader is visible")
    for button in driver.find_elements(By.CSS_SELECTOR, "a.am-button"):
        if not button.is_displayed() or button.size["width"] == 0:
            fail(where, "the button is not visible")
        ratio = driver.execute_script(CONTRAST_JS + "return contrast(arguments[0]);", button)
        if ratio < 4.5:
            fail(where, f"button text contrast {ratio:.2f}:1")
        right = button.location["x"] + button.size["width"]
        if right > width:
            fail(where, f"the button ends at {right} px")
    footer = driver.find_elements(By.CSS_SELECTOR, ".am-footer p, .am-footer a, .am-footer li")
    if not footer:
        fail(where, "no footer text")
    for element in footer:
        if not element.text.strip():
            continue
        size = float(driver.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", element))
        ratio = driver.execute_script(CONTRAST_JS + "return contrast(arguments[0]);", element)
        if size < 12:
            fail(where, f"footer text at {size} px: {element.text[:40]}")
        if ratio < 4.5:
            fail(where, f"footer text contrast {ratio:.2f}:1: {element.text[:40]}")
    unsubscribe = [a for a in driver.find_elements(By.CSS_SELECTOR, ".am-footer a")
                   if "unsubscribe" in (a.get_attribute("href") or "") and a.is_displayed() and a.text.strip()]
    if not unsubscribe:
        fail(where, "no visible unsubscribe link in the footer")
    for image in driver.find_elements(By.CSS_SELECTOR, ".am-header img"):
        if not (image.get_attribute("alt") or "").strip():
            fail(where, "the logo has no alt text")


def check_review(driver, site, name):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    driver.get("file://" + os.path.join(site, "index.html"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#templates tr")
    templates = {os.path.basename(p).split(".")[0] for p in glob.glob(os.path.join(site, "*.eml"))}
    if len(rows) - 1 != len(templates):
        fail(f"{name} index", f"{len(rows) - 1} rows for {len(templates)} templates")
    link = driver.find_element(By.CSS_SELECTOR, "#templates td a")
    link.click()
    if len(driver.find_elements(By.CSS_SELECTOR, ".frames iframe")) != 3:
        fail(f"{name} review page", "not three frames")
    if not driver.find_elements(By.CSS_SELECTOR, "#triggers td code"):
        fail(f"{name} review page", "no trigger named under 'Sent by'")
    for kind in ("locale", "contact"):
        switches = driver.find_elements(By.CSS_SELECTOR, f"a[data-switch={kind}]")
        if not switches:
            if not driver.find_elements(By.CSS_SELECTOR, f"nav[aria-label={kind.capitalize()}] a"):
                continue  # one locale, or one contact: nothing to switch to
            fail(f"{name} review page", f"no {kind} switch")
            continue
        label, target = switches[0].text, switches[0].get_attribute("href")
        switches[0].click()
        if driver.current_url != target:
            fail(f"{name} review page", f"the {kind} switch opened {driver.current_url}, not {target}")
        current = driver.find_element(By.CSS_SELECTOR, f"nav[aria-label={kind.capitalize()}] strong").text
        if current != label:
            fail(f"{name} review page", f"after the {kind} switch, {current!r} is current, not {label!r}")
        driver.back()


def probe_server(base):
    """Hostile requests get short answers and leave the server serving."""
    import socket
    host, port = base[len("http://"):-1].split(":")
    probes = [
        (b"GET /../automail.yaml HTTP/1.1\r\n\r\n", b" 404 "),
        (b"GET /%2e%2e/etc/passwd HTTP/1.1\r\n\r\n", b" 404 "),
        (b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", b" 405 "),
        (b"GARBAGE\r\n\r\n", b" 400 "),
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n", b" 400 "),
        (b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n", b" 200 "),
    ]
    for request, expected in probes:
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            try:
                connection.sendall(request)
            except OSError:
                pass
            answer = b""
            try:
                while len(answer) < 64:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            except OSError:
                pass
        if expected not in answer.split(b"\r\n", 1)[0] + b" ":
            fail("--serve", f"{request[:40]!r} answered {answer[:40]!r}, not{expected.decode()}")
    # A client that sends nothing is dropped after the read timeout; the server answers the next one.
    with socket.create_connection((host, int(port)), timeout=10):
        pass
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"HEAD / HTTP/1.1\r\n\r\n")
        if b" 200 " not in connection.recv(4096):
            fail("--serve", "no answer after an idle client")


def check_serve(driver, automail, out):
    """`preview --serve`: the page reloads with the new subject after a template is touched, and shows the
    diagnostics once the workspace stops building."""
    workspace = os.path.join(out, "workspace-served")
    shutil.copytree(os.path.join(REPOSITORY, "workspace-examples", "riverside-tenants"), workspace)
    server = subprocess.Popen([automail, "preview", "--serve", workspace, "--port", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not match:
            fail("--serve", f"no address printed: {line!r}")
            return
        probe_server(match.group(0))
        driver.get(match.group(0) + "repair-rights.en.html")
        before = driver.find_element(By.ID, "subject").text
        template = os.path.join(workspace, "templates", "repair-rights.yaml")
        with open(template, encoding="utf-8") as f:
            text = f.read()
        with open(template, "w", encoding="utf-8") as f:
            f.write(re.sub(r"(?m)^    subject: .*$", "    subject: Touched while served", text, count=1))
        # The page reloads itself at any moment: an element found just before a reload is stale when its
        # text is read, and the diagnostics page shown while the file is half written has no subject.
        # Both mean "not yet" (WebDriverWait ignores only the second by default, and the first ended
        # the wait at once, a failure that depended on timing).
        reloading = (NoSuchElementException, StaleElementReferenceException)
        try:
            WebDriverWait(driver, 20, ignored_exceptions=reloading).until(
                lambda d: d.find_element(By.ID, "subject").text == "Touched while served")
        except Exception:
            fail("--serve", f"the page did not reload after the template changed (still {before!r})")
        with open(os.path.join(workspace, "automail.yaml"), "a", encoding="utf-8") as f:
            f.write("\nnot: [closed\n")
        try:
            WebDriverWait(driver, 20, ignored_exceptions=reloading).until(lambda d: d.find_elements(By.ID, "problems"))
        except Exception:
            fail("--serve", "no diagnostics page after the workspace stopped building")
        print("--serve: reloaded after the template changed, diagnostics once the workspace broke")
    finally:
        # SIGKILL: a test runner may start this script with SIGTERM blocked, which the server inherits.
        server.kill()
        server.wait(timeout=10)


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--automail", required=True)
    arguments.add_argument("--out", required=True)
    options = arguments.parse_args()
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        print("chromium or chromedriver is missing: scripts/test.sh installs them (apt-get install chromium chromium-driver)")
        return 1
    sites = build_sites(options.automail, options.out)
    emails = {}
    for site in sites.values():
        emails.update(check_files(site))
    chrome = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        chrome.add_argument(argument)
    chrome.binary_location = shutil.which("chromium")
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=chrome, service=service)
    loads = 0
    try:
        # Every email of the first contact at 375 px; a few at 800 px, light and dark, and on a phone in dark.
        firsts = {where: path for where, path in emails.items() if where.count(".") == 2}
        for where, path in sorted(firsts.items()):
            check_email(driver, where, path, 375, "light")
            loads += 1
        for where, path in sorted(firsts.items())[::6]:
            for width, scheme in ((800, "light"), (800, "dark"), (375, "dark")):
                check_email(driver, where, path, width, scheme)
                loads += 1
        for name in EXAMPLES:
            check_review(driver, sites[name], name)
        check_serve(driver, options.automail, options.out)
    finally:
        driver.quit()
    for failure in failures:
        print(failure)
    print(f"{len(emails)} emails parsed, {loads} page loads, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
