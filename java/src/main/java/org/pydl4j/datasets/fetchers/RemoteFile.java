package org.pydl4j.datasets.fetchers;

import java.util.List;

/**
 * A file of a built-in data set: its name in the cache, the addresses to download it from (tried in order) and its
 * pinned checksum (MD5, 32 hex digits, or SHA-256, 64).
 */
public record RemoteFile(String fileName, List<String> urls, String checksum) {
    public RemoteFile {
        if (fileName == null || fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("RemoteFile: '" + fileName + "' is not a plain file name");
        }
        if (checksum == null || !(checksum.length() == 32 || checksum.length() == 64) || !checksum.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("RemoteFile " + fileName + ": checksum must be 32 (MD5) or 64 (SHA-256) hex digits, got " + checksum);
        }
        urls = List.copyOf(urls);
    }

    public RemoteFile(String fileName, String url, String checksum) { this(fileName, List.of(url), checksum); }
}
