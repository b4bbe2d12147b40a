import urllib.error

import pytest
from conftest import shared_path, write_sst

from wordvec.errors import DataError
from wordvec.experiments.sst import data as sst


def test_reads_the_real_treebank():
    sentences = sst.load_sst(shared_path("sst"))
    assert len(sentences) == 11855
    assert sentences[0][:4] == ["the", "rock", "is", "destined"]
    assert all(w == w.lower() for s in sentences[:100] for w in s)


def test_reads_our_own_file(sst_dir, sentences):
    assert sst.load_sst(sst_dir) == sentences


def test_finds_the_zip_folder_inside_the_given_directory(tmp_path, sentences):
    write_sst(tmp_path / "stanfordSentimentTreebank", sentences)
    assert sst.locate_sst(tmp_path) == tmp_path / "stanfordSentimentTreebank"


def test_missing_directory(tmp_path):
    with pytest.raises(DataError, match=f"SST data directory {tmp_path / 'nope'} does not exist"):
        sst.load_sst(tmp_path / "nope")


def test_directory_without_sentences(tmp_path):
    with pytest.raises(DataError, match="holds no datasetSentences.txt"):
        sst.load_sst(tmp_path)


def test_empty_sentences_file(tmp_path):
    (tmp_path / "datasetSentences.txt").write_text("sentence_index\tsentence\n")
    with pytest.raises(DataError, match="datasetSentences.txt holds no sentences"):
        sst.load_sst(tmp_path)


def test_invalid_utf8_names_the_line(tmp_path):
    (tmp_path / "datasetSentences.txt").write_bytes(b"sentence_index\tsentence\n1\tfine\n2\tbad \xff byte\n")
    with pytest.raises(DataError, match=r"datasetSentences.txt:3: invalid UTF-8"):
        sst.load_sst(tmp_path)


def test_malformed_line_names_the_line(tmp_path):
    (tmp_path / "datasetSentences.txt").write_text("sentence_index\tsentence\n1\tfine\nno index here\n")
    with pytest.raises(DataError, match=r"datasetSentences.txt:3: expected 'index<TAB>sentence'"):
        sst.load_sst(tmp_path)


def test_cache_directory_comes_from_the_environment(tmp_path, monkeypatch, sentences):
    monkeypatch.setenv("WORDVEC_DATA", str(tmp_path))
    write_sst(tmp_path / "stanfordSentimentTreebank", sentences)
    assert sst.load_sst() == sentences


def test_offline_download_says_where_to_put_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("WORDVEC_DATA", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(sst.urllib.request, "urlopen", offline)
    with pytest.raises(DataError, match=r"could not download .* put datasetSentences.txt in "
                       + str(tmp_path / "stanfordSentimentTreebank")) as info:
        sst.load_sst()
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no partial download left behind
