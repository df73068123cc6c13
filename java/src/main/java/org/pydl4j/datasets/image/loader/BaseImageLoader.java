package org.pydl4j.datasets.image.loader;

/**
 * What the image loaders share, as DataVec's {@code org.datavec.image.loader.BaseImageLoader}.
 *
 * <p>{@link #ALLOWED_FORMATS} lists the extensions {@code javax.imageio} in JDK 17 decodes. DataVec's list
 * also spells out upper-case variants; our {@code FileSplit} and path filters match extensions
 * case-insensitively, so lower case suffices.
 */
public abstract class BaseImageLoader {
    /** Image file extensions that can be decoded (lower case; matching ignores case). */
    public static final String[] ALLOWED_FORMATS = {"jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff"};

    protected final long height;
    protected final long width;
    protected final long channels;

    protected BaseImageLoader(long height, long width, long channels) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image loader: height and width must be >= 1, got " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image loader: channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
        if (height * width * channels > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("image loader: " + height + "x" + width + "x" + channels + " is too large");
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    public long getHeight() { return height; }
    public long getWidth() { return width; }
    public long getChannels() { return channels; }
}
