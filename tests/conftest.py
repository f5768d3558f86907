import pytest


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    """A fresh journal for one test, also seen by kernels the test starts."""
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("ALLIANCE_JOURNAL", str(path))
    return path


@pytest.fixture
def kernels(journal_path):
    """Start real lesson kernels on the test's journal; every one is shut down afterwards."""
    import os

    from jupyter_client.manager import start_new_kernel

    from alliance.paths import NOTEBOOKS_DIR

    started = []

    def start():
        env = {**os.environ, "ALLIANCE_JOURNAL": str(journal_path)}
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS_DIR), env=env)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The whole site, single-file pages included, built once from the committed notebooks
    into a temporary folder: the tests never touch the repository's notebooks or site/."""
    import shutil

    from alliance.build import build
    from alliance.paths import NOTEBOOKS_DIR

    out = tmp_path_factory.mktemp("out")
    shutil.copytree(NOTEBOOKS_DIR, out / "notebooks")
    site_dir = out / "site"
    index = build(site_dir=site_dir, notebooks_dir=out / "notebooks", single_file=True, quiet=True)
    assert index == site_dir / "index.html"
    return site_dir
