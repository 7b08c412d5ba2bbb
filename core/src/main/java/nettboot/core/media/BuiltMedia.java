package nettboot.core.media;

import java.nio.file.Path;

/**
 * The media written for one tenant.
 *
 * @param usbImage {@code <out>/<tenant>.img}: a GPT disk image whose EFI system partition holds the files
 * @param iso {@code <out>/<tenant>.iso}: a UEFI El Torito ISO for virtual media
 * @param rootFingerprint SHA-256 (lower-case hex) of the platform root CA the binary now pins
 */
public record BuiltMedia(Path usbImage, Path iso, String rootFingerprint) {}
