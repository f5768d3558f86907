"""JupyterHub for real: the hub, configurable-http-proxy (pinned in tools/hub-proxy, installed
by `make test` with npm ci), two local Unix users signing in with their passwords (PAM) and
LocalProcessSpawner starting each one's JupyterLab as that user. Each runs a lesson in
Chromium and types a marker; the test checks each journal is in its owner's home, 0700 and
0600, that the other user cannot open it, that no one is asked about Jupyter news, and that
the same lesson in Voilà behind the hub brings the user's own answer back.

The users need a Python and the package they can read: this environment's interpreter may
be under /root, so they get a world-readable virtual environment made by the system's
python3 of the same version, with the wheel installed into it for real, this environment's
other packages on its path, and JupyterLab's built assets beside its own settings folder
(which holds only what the wheel installed)."""

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from test_jupyterlab import LESSON, answers, free_port, open_and_run, wait_for

from alliance.paths import NOTEBOOKS_DIR, ROOT
from alliance.wheel import build_wheel

HUB_PROXY = ROOT / "tools" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
USERS = ("alliancehubann", "alliancehubbob")
PASSWORD = secrets.token_hex(12)
JOURNAL = Path(".local/share/therapeutic-relationship/journal.sqlite3")


def system_python() -> str | None:
    found = shutil.which("python3", path="/usr/bin:/bin")
    if not found:
        return None
    version = subprocess.run([found, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    return found if version.stdout.strip() == str(sys.version_info[:2]) else None


def users_environment(place: Path) -> tuple[Path, dict[str, str]]:
    """A Python every user can run, with the wheel installed into it (see the module's note)."""
    python = system_python()
    if python is None:
        pytest.skip(f"needs the system's python3 to be Python {sys.version_info[0]}.{sys.version_info[1]}, as this one")
    env = place / "env"
    subprocess.run([python, "-m", "venv", "--without-pip", str(env)], check=True)
    site = Path(subprocess.run([env / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip run by that environment's own Python installs into it; `pip --prefix` from here would
    # uninstall this environment's editable alliance first. --ignore-installed: the editable one
    # on the added path is not this environment's.
    subprocess.run([env / "bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--ignore-installed", str(build_wheel())], check=True, cwd=place)
    ours = Path(sys.prefix) / "share" / "jupyter"
    lab = env / "share" / "jupyter" / "lab"
    for built in ("static", "schemas", "themes"):
        (lab / built).symlink_to(ours / "lab" / built)
    # This environment's server extensions (JupyterLab's among them) are enabled by its etc/jupyter.
    return env / "bin" / "python", {"JUPYTER_PATH": str(ours), "JUPYTERLAB_DIR": str(lab),
                                    "JUPYTER_CONFIG_PATH": str(Path(sys.prefix) / "etc" / "jupyter")}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root, to add two local users (CI runs as root)")
    if not HUB_PROXY.exists():
        pytest.fail("configurable-http-proxy is missing: `make test` installs it (npm ci in tools/hub-proxy)")
    place = Path(tempfile.mkdtemp(prefix="alliance-hub-"))
    place.chmod(0o755)
    added = []
    hub = None
    try:
        python, env = users_environment(place)
        for user in USERS:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", user], check=True)
            added.append(user)
            subprocess.run(["chpasswd"], input=f"{user}:{PASSWORD}", text=True, check=True)
            home = Path(pwd.getpwnam(user).pw_dir)
            shutil.copy(NOTEBOOKS_DIR / f"{LESSON}.ipynb", home)
            shutil.chown(home / f"{LESSON}.ipynb", user, user)
        port, hub_port, api_port = free_port(), free_port(), free_port()
        config = place / "jupyterhub_config.py"
        config.write_text(f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{str(HUB_PROXY)!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{place}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{place}/cookie_secret"
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {set(USERS)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(python)!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {env!r}
c.Spawner.start_timeout = 60
""")
        hub_env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "XDG_", "PYTHONPATH"))}
        log = open(place / "hub.log", "w")
        hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=place, env=hub_env,
                               stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        if not wait_for(lambda: answers(f"{base}/hub/login"), timeout=60):
            pytest.fail(f"JupyterHub did not start:\n{(place / 'hub.log').read_text()[-3000:]}")
        yield base, place
    finally:
        if hub is not None:
            hub.terminate()  # stops the users' servers and the proxy it started
            hub.wait(30)
        for user in added:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        shutil.rmtree(place, ignore_errors=True)


def test_each_users_journal_is_in_their_home_private_and_closed_to_the_other(browser, hub):
    base, place = hub
    markers = {user: f"hub marker {user} {secrets.token_hex(4)}" for user in USERS}
    for user in USERS:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        login = context.new_page()
        login.goto(f"{base}/hub/login")
        login.fill("input[name=username]", user)
        login.fill("input[name=password]", PASSWORD)
        login.click("input[type=submit], button[type=submit]")
        login.wait_for_url("**/user/*/lab**", timeout=90_000)
        login.close()
        page = open_and_run(context, base, f"{base}/user/{user}/lab/tree/{LESSON}.ipynb")
        page.locator(".alliance-reflection textarea").first.fill(markers[user])
        journal = Path(pwd.getpwnam(user).pw_dir) / JOURNAL
        assert wait_for(lambda: journal.exists() and markers[user].encode() in _journal_bytes(journal), timeout=20)
        # Fails without the settings the wheel installs (overrides.d): JupyterLab then asks.
        assert page.get_by_text("official Jupyter news").count() == 0
        page.close()

        # Voilà behind the hub runs as the signed-in user: their own journal, their answer back.
        voila = context.new_page()
        voila.goto(f"{base}/user/{user}/voila/render/{LESSON}.ipynb?template=alliance", timeout=60_000)
        answer = voila.locator(".alliance-reflection textarea").first
        answer.wait_for(timeout=60_000)
        assert wait_for(lambda: answer.input_value() == markers[user], timeout=20)
        assert "Run All Cells" not in voila.locator("body").inner_text()
        context.close()

    for user, other in (USERS, USERS[::-1]):
        account = pwd.getpwnam(user)
        journal = Path(account.pw_dir) / JOURNAL
        assert (journal.stat().st_uid, journal.parent.stat().st_uid) == (account.pw_uid, account.pw_uid)
        assert oct(journal.stat().st_mode & 0o777) == "0o600"
        assert oct(journal.parent.stat().st_mode & 0o777) == "0o700"
        tried = subprocess.run(["runuser", "-u", other, "--", "cat", str(journal)], capture_output=True, text=True)
        assert tried.returncode != 0 and "Permission denied" in tried.stderr
        assert markers[other].encode() not in _journal_bytes(journal)


def _journal_bytes(journal: Path) -> bytes:
    """The journal and its write-ahead log, read as root: the marker may not be checkpointed yet."""
    return b"".join(p.read_bytes() for p in (journal, journal.with_name(journal.name + "-wal")) if p.exists())
