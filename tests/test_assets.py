"""The npm assets the pages load are checked on every build: the tarball against its
integrity hash in site-assets.lock.json, and the unpacked files against the tarball."""

import shutil

import pytest

from alliance import assets


@pytest.fixture
def cache(tmp_path):
    assets.fetch()  # fetched once into the real cache, then copied: the test may spoil its copy
    copy = tmp_path / "npm-assets"
    shutil.copytree(assets.CACHE_DIR, copy)
    return copy


def test_a_changed_file_in_the_unpacked_cache_is_unpacked_again(cache):
    good = assets.fetch(cache)
    original = {name: path.read_bytes() for name, path in good.items()}
    good["embed-amd.js"].write_text("window.alert('not the pinned renderer');")
    (good["require.js"].parent / "extra.js").write_text("// not in the tarball")
    files = assets.fetch(cache)
    assert {name: path.read_bytes() for name, path in files.items()} == original
    assert "extra.js" not in files and not (good["require.js"].parent / "extra.js").exists()


def test_a_changed_tarball_is_refused_and_deleted(cache):
    [tarball] = [p for p in cache.glob("requirejs-*.tgz")]
    tarball.write_bytes(tarball.read_bytes() + b"\0")
    with pytest.raises(assets.AssetError, match="does not match site-assets.lock.json"):
        assets.fetch(cache)
    assert not tarball.exists()
