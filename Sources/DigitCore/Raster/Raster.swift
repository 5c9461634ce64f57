// One raster for every picture the program draws: the pad's frames and the report images. Pixels are
// 0x00RRGGBB; drawing clips to the raster.

import Foundation

/// A colour as 0x00RRGGBB.
public typealias Colour = UInt32

/// An axis-aligned rectangle in pixels.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { (self.x, self.y, self.width, self.height) = (x, y, width, height) }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func contains(_ px: Int, _ py: Int) -> Bool { px >= x && py >= y && px < maxX && py < maxY }
    public func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }
}

/// A picture drawn in software, then shown in one go (the pad) or written as PNG (reports).
public struct Raster: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var pixels: [Colour]

    /// A raster of at least 1x1 pixels, all `fill`.
    public init(width: Int, height: Int, fill: Colour = 0) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        pixels = [Colour](repeating: fill, count: self.width * self.height)
    }

    /// Makes this a `width` x `height` raster of `fill`, keeping its storage when it is large enough, so a window
    /// redrawn every frame (and resized at will) does not allocate every frame; but giving it back when the raster
    /// shrinks to under a quarter of it, so a window maximized once does not hold a screenful for good.
    public mutating func reset(width: Int, height: Int, fill: Colour) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        let count = self.width * self.height
        if pixels.count == count {
            pixels.withUnsafeMutableBufferPointer { $0.update(repeating: fill) }
        } else if count < pixels.capacity / 4 {
            pixels = [Colour](repeating: fill, count: count)
        } else {
            pixels.removeAll(keepingCapacity: true)
            pixels.append(contentsOf: repeatElement(fill, count: count))
        }
    }

    public mutating func fill(_ rect: Rect, _ colour: Colour) {
        let x0 = max(rect.x, 0), y0 = max(rect.y, 0)
        let x1 = min(rect.x + rect.width, width), y1 = min(rect.y + rect.height, height)
        guard x0 < x1, y0 < y1 else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 { for x in x0..<x1 { p[y * w + x] = colour } }
        }
    }

    /// A one-pixel outline inside `rect`.
    public mutating func frame(_ rect: Rect, _ colour: Colour) {
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), colour)
        fill(Rect(x: rect.x, y: rect.y + rect.height - 1, width: rect.width, height: 1), colour)
        fill(Rect(x: rect.x, y: rect.y, width: 1, height: rect.height), colour)
        fill(Rect(x: rect.x + rect.width - 1, y: rect.y, width: 1, height: rect.height), colour)
    }

    /// `text` in the pixel font with its top-left corner at (x, y), each font pixel `scale` pixels square.
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 2, _ colour: Colour) {
        var pen = x
        for character in text {
            let bits = PixelFont.bitmap(for: character)
            for row in 0..<PixelFont.glyphHeight {
                for column in 0..<PixelFont.glyphWidth where bits[row * PixelFont.glyphWidth + column] {
                    fill(Rect(x: pen + column * scale, y: y + row * scale, width: scale, height: scale), colour)
                }
            }
            pen += PixelFont.advance * scale
        }
    }

    /// Grayscale coverage (0...1) drawn into `rect`, scaled by nearest neighbour: 0 is `background`, 1 `ink`,
    /// and coverage between them is one of 256 blends (a byte's worth, what the screen shows anyway).
    public mutating func gray(_ values: [Float], width w: Int, height h: Int, in rect: Rect, ink: Colour,
                              background: Colour) {
        let x0 = max(rect.x, 0), y0 = max(rect.y, 0)
        let x1 = min(rect.x + rect.width, width), y1 = min(rect.y + rect.height, height)
        guard w > 0, h > 0, values.count >= w * h, x0 < x1, y0 < y1 else { return }
        let levels = (0...255).map { Self.mix(background, ink, Float($0) / 255) }
        let stride = width
        let sourceColumns = (x0..<x1).map { ($0 - rect.x) * w / rect.width }
        values.withUnsafeBufferPointer { v in
            pixels.withUnsafeMutableBufferPointer { out in
                for y in y0..<y1 {
                    let row = ((y - rect.y) * h / rect.height) * w
                    for (i, sx) in sourceColumns.enumerated() {
                        let c = v[row + sx]  // NaN draws as background
                        out[y * stride + x0 + i] = levels[c > 0 ? (c < 1 ? Int(c * 255 + 0.5) : 255) : 0]
                    }
                }
            }
        }
    }

    /// Linear blend of two colours, `t` in 0...1.
    public static func mix(_ a: Colour, _ b: Colour, _ t: Float) -> Colour {
        let t = min(max(t, 0), 1)
        func channel(_ shift: UInt32) -> UInt32 {
            let x = Float((a >> shift) & 0xFF), y = Float((b >> shift) & 0xFF)
            return UInt32((x + (y - x) * t).rounded()) << shift
        }
        return channel(16) | channel(8) | channel(0)
    }

    /// The picture as interleaved RGB bytes, for PNG.
    public var rgbImage: RGBImage {
        var bytes = [UInt8](repeating: 0, count: pixels.count * 3)
        for (i, colour) in pixels.enumerated() {
            bytes[3 * i] = UInt8(truncatingIfNeeded: colour >> 16)
            bytes[3 * i + 1] = UInt8(truncatingIfNeeded: colour >> 8)
            bytes[3 * i + 2] = UInt8(truncatingIfNeeded: colour)
        }
        return RGBImage(width: width, height: height, pixels: bytes)
    }

    /// Writes the picture as a PNG file, atomically.
    public func writePNG(to url: URL) throws { try rgbImage.writePNG(to: url) }
}
