// Geometric and morphological transforms of small Float images (0...1, row-major): the building blocks of
// training augmentation and of the robustness variants.
import Foundation

/// An affine map from output pixel coordinates to input coordinates, both measured from the image centre
/// c = ((width - 1) / 2, (height - 1) / 2) in pixel-index coordinates (y down):
/// in = [[a, b], [c, d]] * (out - c) + (tx, ty) + c.
public struct AffineTransform: Sendable, Equatable {
    public var a, b, c, d, tx, ty: Float

    public init(a: Float, b: Float, c: Float, d: Float, tx: Float, ty: Float) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.tx = tx; self.ty = ty
    }

    static let radiansPerDegree = Float.pi / 180

    /// Leaves every pixel where it is.
    public static let identity = AffineTransform(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

    /// Rotation in degrees (counter-clockwise as seen on screen), scale, shear (x shear factor) and
    /// translation in pixels. The content is first scaled, then sheared (x += shear * y), then rotated, then
    /// shifted: forward map M = R(theta) * [[1, shear], [0, 1]] * scale with, y pointing down,
    /// R(theta) = [[cos, sin], [-sin, cos]]; the stored map is its inverse, in = M^-1 * (out - shift).
    public static func make(rotationDegrees: Float, scale: Float, shear: Float,
                            shiftX: Float, shiftY: Float) -> AffineTransform {
        let theta = rotationDegrees * radiansPerDegree
        let cosine = cosf(theta), sine = sinf(theta)
        // M = R * Shear * scale.
        let m00 = cosine * scale, m01 = (cosine * shear + sine) * scale
        let m10 = -sine * scale, m11 = (-sine * shear + cosine) * scale
        let inverseDeterminant = 1 / (m00 * m11 - m01 * m10)
        let a = m11 * inverseDeterminant, b = -m01 * inverseDeterminant
        let c = -m10 * inverseDeterminant, d = m00 * inverseDeterminant
        return AffineTransform(a: a, b: b, c: c, d: d,
                               tx: -(a * shiftX + b * shiftY), ty: -(c * shiftX + d * shiftY))
    }
}

/// Resampling, stroke thickness and noise on `width` x `height` Float images.
public enum ImageTransforms {
    /// Bilinear resampling under the transform, zero outside; writes into `output` (same size) without
    /// allocating. With (x, y) = transform(u, v), x0 = floor(x), fx = x - x0 (likewise y):
    /// out(u, v) = (1-fx)(1-fy) in(x0, y0) + fx(1-fy) in(x0+1, y0) + (1-fx)fy in(x0, y0+1) + fx fy in(x0+1, y0+1).
    /// Integer translations and the identity reproduce pixels exactly.
    public static func warp(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                            width: Int, height: Int, transform t: AffineTransform) {
        precondition(input.count >= width * height && output.count >= width * height, "buffers too small")
        let centreX = Float(width - 1) / 2, centreY = Float(height - 1) / 2
        @inline(__always) func pixel(_ x: Int, _ y: Int) -> Float {
            (x >= 0 && x < width && y >= 0 && y < height) ? input[y * width + x] : 0
        }
        for v in 0..<height {
            let dv = Float(v) - centreY
            for u in 0..<width {
                let du = Float(u) - centreX
                let x = t.a * du + t.b * dv + t.tx + centreX
                let y = t.c * du + t.d * dv + t.ty + centreY
                var value: Float = 0
                // Outside (-1, width) x (-1, height) all four neighbours are outside: zero.
                if x > -1, y > -1, x < Float(width), y < Float(height) {
                    let x0 = Int(x + 1) - 1, y0 = Int(y + 1) - 1  // floor, by truncating a positive number
                    let fx = x - Float(x0), fy = y - Float(y0)
                    let p00, p10, p01, p11: Float
                    if x0 >= 0, y0 >= 0, x0 + 1 < width, y0 + 1 < height {
                        let at = y0 * width + x0
                        (p00, p10, p01, p11) = (input[at], input[at + 1], input[at + width], input[at + width + 1])
                    } else {
                        (p00, p10) = (pixel(x0, y0), pixel(x0 + 1, y0))
                        (p01, p11) = (pixel(x0, y0 + 1), pixel(x0 + 1, y0 + 1))
                    }
                    let top = p00 + fx * (p10 - p00), bottom = p01 + fx * (p11 - p01)
                    value = top + fy * (bottom - top)
                }
                output[v * width + u] = value
            }
        }
    }

    /// Stroke thickness: grayscale dilation (3x3 max) `steps` times when steps > 0, erosion (3x3 min) when
    /// < 0; a fractional amount blends between whole steps, e.g. amount 0.5 = halfway between original and
    /// one dilation: with n = floor(|amount|), f = |amount| - n, result = D^n + f * (D^(n+1) - D^n).
    public static func thicken(_ image: inout [Float], width: Int, height: Int, amount: Float) {
        precondition(image.count == width * height, "image must hold width * height values")
        var scratch = [Float](repeating: 0, count: 2 * width * height)
        image.withUnsafeMutableBufferPointer { pixels in
            scratch.withUnsafeMutableBufferPointer { spare in
                thicken(pixels, width: width, height: height, amount: amount, scratch: spare)
            }
        }
    }

    /// `thicken` in place on a buffer, with `scratch` of at least 2 * width * height floats: no allocation.
    static func thicken(_ image: UnsafeMutableBufferPointer<Float>, width: Int, height: Int, amount: Float,
                        scratch: UnsafeMutableBufferPointer<Float>) {
        let count = width * height
        precondition(scratch.count >= 2 * count, "scratch must hold two images")
        let magnitude = abs(amount)
        let wholeSteps = Int(magnitude.rounded(.down)), fraction = magnitude - Float(wholeSteps)
        let dilate = amount > 0
        let rowPass = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
        let next = UnsafeMutableBufferPointer(rebasing: scratch[count..<(2 * count)])
        for _ in 0..<wholeSteps {
            Morphology.step(image, into: rowPass, width: width, height: height, dilate: dilate)
            Morphology.step(UnsafeMutableBufferPointer(rebasing: rowPass[...]), into: image,
                            width: width, height: height, dilate: dilate, vertical: true)
        }
        guard fraction > 0 else { return }
        Morphology.step(image, into: rowPass, width: width, height: height, dilate: dilate)
        Morphology.step(rowPass, into: next, width: width, height: height, dilate: dilate, vertical: true)
        for i in 0..<count { image[i] += fraction * (next[i] - image[i]) }
    }

    /// Ink values given to speckled pixels lie in this range.
    public static let speckInk: ClosedRange<Float> = 0.5...1

    /// Salt noise: sets `fraction` of pixels (drawn with replacement, so slightly fewer distinct ones) to
    /// random ink values in `speckInk`, combined by max so existing ink is never lightened.
    public static func speckle(_ image: inout [Float], width: Int, height: Int, fraction: Float,
                               rng: inout SplitMix64) {
        let count = width * height
        precondition(image.count == count, "image must hold width * height values")
        guard count > 0 else { return }
        let specks = Int((max(fraction, 0) * Float(count)).rounded())
        image.withUnsafeMutableBufferPointer { pixels in
            for _ in 0..<specks {
                let index = Int(rng.next() % UInt64(count))
                let ink = rng.uniform(speckInk.lowerBound, speckInk.upperBound)
                pixels[index] = max(pixels[index], ink)
            }
        }
    }
}

/// One pass of a 3-tap max (dilation) or min (erosion) along rows or columns; a row pass followed by a
/// column pass is the 3x3 square. Pixels outside the image are ignored, so the frame neither adds nor
/// removes ink.
enum Morphology {
    static func step(_ source: UnsafeMutableBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>,
                     width: Int, height: Int, dilate: Bool, vertical: Bool = false) {
        let stride = vertical ? width : 1
        let length = vertical ? height : width, lines = vertical ? width : height
        let lineStride = vertical ? 1 : width
        for line in 0..<lines {
            let base = line * lineStride
            for i in 0..<length {
                let at = base + i * stride
                var value = source[at]
                if i > 0 { value = dilate ? max(value, source[at - stride]) : min(value, source[at - stride]) }
                if i < length - 1 {
                    value = dilate ? max(value, source[at + stride]) : min(value, source[at + stride])
                }
                target[at] = value
            }
        }
    }
}
