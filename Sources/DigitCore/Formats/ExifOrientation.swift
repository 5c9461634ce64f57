// The EXIF orientation tag: phones store a photo as the sensor saw it and record how to turn it upright.

/// How a JPEG's stored pixels must be turned to appear upright (EXIF tag 0x0112, values 1...8).
/// The cases are named for how the stored image lies: `turnedLeft` (6) was stored a quarter turn
/// counter-clockwise from upright, so it is turned clockwise to show it.
enum ExifOrientation: Int {
    case upright = 1, mirrored, upsideDown, mirroredUpsideDown, transposed, turnedLeft, transverse, turnedRight

    /// The orientation recorded in a JPEG's EXIF segment (APP1, "Exif\0\0", then a TIFF header and its first
    /// directory), or `.upright` when there is none or it cannot be read.
    static func read(_ jpeg: [UInt8]) -> ExifOrientation {
        var at = 2  // after the start-of-image marker
        while at + 4 <= jpeg.count, jpeg[at] == 0xFF, jpeg[at + 1] != 0xDA {
            let length = Int(jpeg[at + 2]) << 8 | Int(jpeg[at + 3])
            let body = at + 4, end = at + 2 + length
            guard length >= 2, end <= jpeg.count else { break }
            if jpeg[at + 1] == 0xE1, Array(jpeg[body..<min(body + 6, end)]) == Array("Exif\0\0".utf8) {
                return tiffOrientation(Array(jpeg[(body + 6)..<end])) ?? .upright
            }
            at = end
        }
        return .upright
    }

    /// Tag 0x0112 of the first directory of a TIFF structure, in either byte order.
    private static func tiffOrientation(_ tiff: [UInt8]) -> ExifOrientation? {
        guard tiff.count >= 8, tiff[0] == tiff[1], tiff[0] == 0x49 || tiff[0] == 0x4D else { return nil }
        let little = tiff[0] == 0x49
        func number(_ at: Int, _ size: Int) -> Int? {
            guard at >= 0, at + size <= tiff.count else { return nil }
            let bytes = tiff[at..<(at + size)]
            return (little ? bytes.reversed() : Array(bytes)).reduce(0) { $0 << 8 | Int($1) }
        }
        guard let directory = number(4, 4), let entries = number(directory, 2) else { return nil }
        for entry in 0..<entries {
            let at = directory + 2 + 12 * entry
            guard let tag = number(at, 2) else { return nil }
            if tag == 0x0112, let value = number(at + 8, 2) { return ExifOrientation(rawValue: value) }
        }
        return nil
    }

    /// The image turned upright: each output pixel (x, y) taken from where this orientation stored it.
    func upright(_ image: GrayImage) -> GrayImage {
        guard self != .upright else { return image }
        let (w, h) = (image.width, image.height)
        let swaps = rawValue >= ExifOrientation.transposed.rawValue
        let (width, height) = swaps ? (h, w) : (w, h)
        var pixels = [UInt8](repeating: 0, count: w * h)
        for y in 0..<height {
            for x in 0..<width {
                let (sx, sy): (Int, Int)
                switch self {
                case .upright: (sx, sy) = (x, y)
                case .mirrored: (sx, sy) = (w - 1 - x, y)
                case .upsideDown: (sx, sy) = (w - 1 - x, h - 1 - y)
                case .mirroredUpsideDown: (sx, sy) = (x, h - 1 - y)
                case .transposed: (sx, sy) = (y, x)
                case .turnedLeft: (sx, sy) = (y, h - 1 - x)
                case .transverse: (sx, sy) = (w - 1 - y, h - 1 - x)
                case .turnedRight: (sx, sy) = (w - 1 - y, x)
                }
                pixels[y * width + x] = image.pixels[sy * w + sx]
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}
