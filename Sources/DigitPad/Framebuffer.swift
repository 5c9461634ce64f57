// The pixels of one frame (0xAARRGGBB) and the few drawing operations the pad needs.

/// A colour as 0x00RRGGBB.
typealias Colour = UInt32

/// A software frame buffer the whole window is drawn into, then presented in one go.
struct Framebuffer {
    private(set) var width: Int
    private(set) var height: Int
    var pixels: [UInt32]

    init(width: Int, height: Int) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        pixels = [UInt32](repeating: 0, count: self.width * self.height)
    }

    mutating func fill(_ rect: Rect, _ colour: Colour) {
        let x0 = max(rect.x, 0), y0 = max(rect.y, 0)
        let x1 = min(rect.x + rect.width, width), y1 = min(rect.y + rect.height, height)
        guard x0 < x1, y0 < y1 else { return }
        pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 { for x in x0..<x1 { p[y * width + x] = colour } }
        }
    }

    /// A one-pixel outline inside `rect`.
    mutating func frame(_ rect: Rect, _ colour: Colour) {
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), colour)
        fill(Rect(x: rect.x, y: rect.y + rect.height - 1, width: rect.width, height: 1), colour)
        fill(Rect(x: rect.x, y: rect.y, width: 1, height: rect.height), colour)
        fill(Rect(x: rect.x + rect.width - 1, y: rect.y, width: 1, height: rect.height), colour)
    }

    /// `text` in the pixel font with its top-left corner at (x, y), each font pixel `scale` pixels square.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int = 2, _ colour: Colour) {
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

    /// Grayscale coverage (0...1) drawn into `rect`, scaled by nearest neighbour: 0 is `background`, 1 `ink`.
    mutating func gray(_ values: [Float], width w: Int, height h: Int, in rect: Rect, ink: Colour, background: Colour) {
        guard w > 0, h > 0, rect.width > 0, rect.height > 0 else { return }
        for y in max(rect.y, 0)..<min(rect.y + rect.height, height) {
            let sy = (y - rect.y) * h / rect.height
            for x in max(rect.x, 0)..<min(rect.x + rect.width, width) {
                let v = values[sy * w + (x - rect.x) * w / rect.width]
                pixels[y * width + x] = Self.mix(background, ink, v)
            }
        }
    }

    /// Linear blend of two colours, `t` in 0...1.
    static func mix(_ a: Colour, _ b: Colour, _ t: Float) -> Colour {
        let t = min(max(t, 0), 1)
        func channel(_ shift: UInt32) -> UInt32 {
            let x = Float((a >> shift) & 0xFF), y = Float((b >> shift) & 0xFF)
            return UInt32((x + (y - x) * t).rounded()) << shift
        }
        return channel(16) | channel(8) | channel(0)
    }
}
