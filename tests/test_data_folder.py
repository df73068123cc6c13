import os
import warnings

import pytest

from pydl4j_transfer.data.folder import EmptyClassWarning, ImageFolderError, scan_image_folder


def touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_labels_are_sorted_folder_names_and_paths_are_sorted(tmp_path):
    for name in ["b2.jpg", "a1.JPG", "c3.png"]:
        touch(tmp_path / "zebra" / name)
    for name in ["x.jpeg", "y.Webp", "z.tif", "w.bmp", "v.gif"]:
        touch(tmp_path / "ant" / name)
    folder = scan_image_folder(tmp_path)
    assert folder.label_names == ("ant", "zebra")
    assert [p.name for p in folder.paths] == ["v.gif", "w.bmp", "x.jpeg", "y.Webp", "z.tif", "a1.JPG", "b2.jpg", "c3.png"]
    assert folder.labels == (0, 0, 0, 0, 0, 1, 1, 1)
    assert folder.class_counts() == {"ant": 5, "zebra": 3}


def test_hidden_and_non_image_files_are_skipped(tmp_path):
    touch(tmp_path / "cat" / "ok.jpg")
    touch(tmp_path / "cat" / ".hidden.jpg")
    touch(tmp_path / "cat" / "notes.txt")
    touch(tmp_path / "cat" / ".thumbs" / "t.jpg")
    touch(tmp_path / "dog" / "ok.png")
    touch(tmp_path / ".git" / "objects.jpg")
    touch(tmp_path / "stray.jpg")
    folder = scan_image_folder(tmp_path)
    assert folder.label_names == ("cat", "dog")
    assert [p.relative_to(tmp_path).as_posix() for p in folder.paths] == ["cat/ok.jpg", "dog/ok.png"]


def test_nested_images_take_their_top_level_class(tmp_path):
    touch(tmp_path / "cat" / "2020" / "a.jpg")
    touch(tmp_path / "cat" / "b.jpg")
    touch(tmp_path / "dog" / "c.jpg")
    folder = scan_image_folder(tmp_path)
    assert [(p.name, folder.label_names[l]) for p, l in zip(folder.paths, folder.labels)] == [
        ("a.jpg", "cat"), ("b.jpg", "cat"), ("c.jpg", "dog")]


def test_unicode_and_spaces_in_names(tmp_path):
    touch(tmp_path / "fleur de lys" / "photo 1.jpg")
    touch(tmp_path / "Löwenzahn" / "été – 2.jpeg")
    touch(tmp_path / "桜" / "花 3.png")
    folder = scan_image_folder(tmp_path)
    assert folder.label_names == tuple(sorted(["fleur de lys", "Löwenzahn", "桜"]))
    assert {p.name for p in folder.paths} == {"photo 1.jpg", "été – 2.jpeg", "花 3.png"}
    assert all(p.exists() for p in folder.paths)


def test_empty_class_is_an_error_naming_the_folder(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    touch(tmp_path / "dog" / "b.jpg")
    touch(tmp_path / "empty" / "readme.txt")
    with pytest.raises(ImageFolderError, match="empty.*holds no image"):
        scan_image_folder(tmp_path)


def test_empty_class_can_be_a_warning_and_is_left_out(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    touch(tmp_path / "dog" / "b.jpg")
    (tmp_path / "empty").mkdir()
    with pytest.warns(EmptyClassWarning, match="empty"):
        folder = scan_image_folder(tmp_path, on_empty="warn")
    assert folder.label_names == ("cat", "dog")
    assert folder.empty_classes == ("empty",)
    assert folder.labels == (0, 1)


def test_single_class_is_an_error(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    with pytest.raises(ImageFolderError, match="at least 2 classes"):
        scan_image_folder(tmp_path)


def test_two_classes_one_empty_under_warn_is_still_an_error(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    (tmp_path / "dog").mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyClassWarning)
        with pytest.raises(ImageFolderError, match="1 non-empty class"):
            scan_image_folder(tmp_path, on_empty="warn")


def test_missing_folder_file_and_no_classes(tmp_path):
    with pytest.raises(ImageFolderError, match="does not exist"):
        scan_image_folder(tmp_path / "nope")
    with pytest.raises(ImageFolderError, match="is a file"):
        scan_image_folder(touch(tmp_path / "file.jpg"))
    (tmp_path / "flat").mkdir()
    touch(tmp_path / "flat" / "a.jpg")
    with pytest.raises(ImageFolderError, match="no class sub-folders"):
        scan_image_folder(tmp_path / "flat")


def test_bad_on_empty_value(tmp_path):
    with pytest.raises(ValueError, match="on_empty"):
        scan_image_folder(tmp_path, on_empty="ignore")


def test_symlink_loops_terminate_and_each_real_folder_is_visited_once(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    touch(tmp_path / "dog" / "b.jpg")
    os.symlink(tmp_path / "cat", tmp_path / "cat" / "loop")          # cat/loop -> cat
    os.symlink(tmp_path, tmp_path / "dog" / "up")                      # dog/up -> root
    os.symlink(tmp_path / "missing", tmp_path / "dog" / "broken.jpg")  # dangling link
    folder = scan_image_folder(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in folder.paths] == ["cat/a.jpg", "dog/b.jpg"]


def test_symlinked_class_folder_is_followed(tmp_path):
    real = tmp_path / "elsewhere"
    touch(real / "x.jpg")
    data = tmp_path / "data"
    touch(data / "cat" / "a.jpg")
    os.symlink(real, data / "dog")
    folder = scan_image_folder(data)
    assert folder.class_counts() == {"cat": 1, "dog": 1}


def test_subset_keeps_label_names(tmp_path):
    touch(tmp_path / "cat" / "a.jpg")
    touch(tmp_path / "dog" / "b.jpg")
    touch(tmp_path / "dog" / "c.jpg")
    folder = scan_image_folder(tmp_path)
    sub = folder.subset([2, 0])
    assert [p.name for p in sub.paths] == ["c.jpg", "a.jpg"]
    assert sub.labels == (1, 0)
    assert sub.label_names == ("cat", "dog")


def test_class_folder_linking_to_another_class_does_not_steal_its_images(tmp_path):
    """'a_link' -> 'z_real' sorts first, but the images keep the label of the folder they really live in."""
    touch(tmp_path / "z_real" / "x.jpg")
    touch(tmp_path / "m_other" / "y.jpg")
    os.symlink(tmp_path / "z_real", tmp_path / "a_link")
    with pytest.warns(EmptyClassWarning, match="a_link"):
        folder = scan_image_folder(tmp_path, on_empty="warn")
    assert folder.label_names == ("m_other", "z_real")
    assert folder.class_counts() == {"m_other": 1, "z_real": 1}


def test_one_class_is_enough_when_asked(tmp_path):
    """Evaluating a trained model on images of a single class is legitimate: min_classes=1."""
    touch(tmp_path / "cat" / "a.jpg")
    folder = scan_image_folder(tmp_path, min_classes=1)
    assert folder.label_names == ("cat",)
    (tmp_path / "cat" / "a.jpg").unlink()
    with pytest.raises(ImageFolderError, match="at least one class folder with images"), \
            pytest.warns(EmptyClassWarning, match="cat"):
        scan_image_folder(tmp_path, min_classes=1, on_empty="warn")
