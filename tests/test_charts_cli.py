"""`tenfold chart`: draws an engagement's charts to files, and fails with a message, not a trace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MAY = ROOT / "engagements" / "harbourline-2026-05.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "magic"),
    [("radar.png", b"\x89PNG"), ("radar.svg", b"<svg"), ("radar.pdf", b"%PDF")],
)
def test_chart_writes_the_radar_in_the_suffixs_format(
    sample_path: Path, tmp_path: Path, name: str, magic: bytes
) -> None:
    out = tmp_path / name
    code, stdout, _ = run("chart", str(sample_path), "-o", str(out))
    assert code == 0, stdout
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out} (radar," in stdout


def test_chart_html_is_self_contained(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    code, _, _ = run("chart", str(sample_path), "-o", str(out), "--target")
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in html and '"Target"' in html


def test_chart_draws_target_only_when_asked(sample_path: Path, tmp_path: Path) -> None:
    plain, with_target = tmp_path / "a.svg", tmp_path / "b.svg"
    assert run("chart", str(sample_path), "-o", str(plain))[0] == 0
    assert run("chart", str(sample_path), "-o", str(with_target), "--target")[0] == 0
    assert ">Target<" not in plain.read_text() and ">Target<" in with_target.read_text()


def test_chart_compare_overlays_another_assessment(sample_path: Path, tmp_path: Path) -> None:
    if not MAY.exists():
        pytest.skip("the May 2026 sample assessment is not in this checkout")
    other = tmp_path / "may.json"
    shutil.copy(MAY, other)
    out = tmp_path / "radar.svg"
    code, _, stderr = run("chart", str(sample_path), "-o", str(out), "--compare", str(other))
    assert code == 0, stderr
    assert ">May 2026<" in out.read_text()


@pytest.mark.parametrize("kind", ["ranked", "heatmap"])
def test_chart_kinds(sample_path: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.png"
    code, stdout, _ = run("chart", str(sample_path), "-o", str(out), "--kind", kind)
    assert code == 0, stdout
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 10_000


def test_heatmap_by_rater_mean(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "heat.svg"
    args = ["chart", str(sample_path), "-o", str(out), "--kind", "heatmap"]
    code, _, _ = run(*args, "--by", "rater", "--value", "mean")
    assert code == 0
    svg = out.read_text()
    assert "Priya Nair" in svg and "mean level" in svg


def test_chart_unknown_suffix_is_an_error_naming_the_file(
    sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "radar.jpg"
    code, _, stderr = run("chart", str(sample_path), "-o", str(out))
    assert code == 2
    assert stderr.startswith("tenfold: error: ") and "radar.jpg" in stderr and ".png" in stderr
    assert not out.exists()


def test_chart_missing_engagement_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    code, _, stderr = run("chart", str(tmp_path / "nope.json"), "-o", str(tmp_path / "r.png"))
    assert code == 2
    assert "nope.json" in stderr and "Traceback" not in stderr


def test_compare_with_another_kind_is_a_usage_error(sample_path: Path, tmp_path: Path) -> None:
    code, _, stderr = run(
        "chart", str(sample_path), "-o", str(tmp_path / "r.png"), "--kind", "ranked", "--target"
    )
    assert code == 2 and "--kind radar only" in stderr


def test_chart_prints_the_engagements_provenance_under_the_chart(
    sample_path: Path, tmp_path: Path
) -> None:
    from toolkit import load_engagement, provenance

    out = tmp_path / "ranked.svg"
    code, _, err = run("chart", str(sample_path), "-o", str(out), "--kind", "ranked")
    assert code == 0, err
    assert f"data {provenance(load_engagement(sample_path)).data_hash}" in out.read_text("utf-8")
