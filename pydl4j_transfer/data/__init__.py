"""Image data for transfer learning: folder scanning, splitting, decoding, preprocessing, batching, caching."""

from .batches import Batch, BatchStream, SkippedFile, UndecodableImagesError, check_images
from .decode import (Augmentation, BadImageError, DecodeResult, RESIZE_MODES, decode_image, decode_many,
                     default_workers)
from .feature_cache import CacheKey, CorruptShardWarning, FeatureCache, Lookup, default_cache_root, file_sha1
from .folder import (EmptyClassWarning, IMAGE_EXTENSIONS, ImageFolder, ImageFolderError, is_image_file,
                     scan_image_folder)
from .preprocess import SPECS, PreprocessSpec, get_spec, preprocess_batch
from .split import SplitIndices, split_folder, split_folder_three_way, stratified_split, stratified_subset

__all__ = [
    "Augmentation", "BadImageError", "Batch", "BatchStream", "CacheKey", "CorruptShardWarning", "DecodeResult",
    "EmptyClassWarning", "FeatureCache", "IMAGE_EXTENSIONS", "ImageFolder", "ImageFolderError", "Lookup",
    "PreprocessSpec", "RESIZE_MODES", "SPECS", "SkippedFile", "SplitIndices", "decode_image", "decode_many",
    "default_cache_root", "default_workers", "file_sha1", "get_spec", "is_image_file", "preprocess_batch",
    "scan_image_folder", "split_folder", "split_folder_three_way", "stratified_split", "stratified_subset",
]
