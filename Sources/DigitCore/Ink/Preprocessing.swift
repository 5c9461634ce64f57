// MNIST's own preprocessing recipe, so a digit drawn on the canvas or read from an image file looks like
// the digits the network was trained on.

/// Turns canvases and grayscale images into 28x28 MNIST-style inputs.
public enum DigitPreprocessor {
    /// The ink's bounding box is scaled so that its longer side spans this many pixels (LeCun et al.).
    public static let fittedSide = 20
    /// Where the centre of mass lands, in pixel-index coordinates (sum(i * v) / sum(v)): (14, 14).
    public static let centreIndex = Float(MNIST.side / 2)
    /// Index coordinates put pixel i's centre at i; the resampler measures pixel i's centre at i + 0.5.
    static let pixelCentreOffset: Float = 0.5
    /// In `inkCoverage`, differences from the background below this fraction of the ink's contrast are
    /// paper texture or sensor noise and become 0.
    public static let backgroundNoiseFloor: Float = 0.1
    /// The largest 8-bit gray level.
    static let grayMax = Int(UInt8.max)

    /// MNIST's own recipe (LeCun et al.): find the ink's bounding box (ignoring a stray speck: connected
    /// components / isolated small blobs far smaller than the main ink, or pixels below a faint threshold,
    /// must not move the box; see `InkRegion`), scale the box with area averaging (box filter, exact
    /// fractional pixel coverage) to fit 20x20 keeping its aspect ratio, then place it in a 28x28 image so that
    /// its centre of mass sits at the centre (14,14), shifted by the fractional offset and clipped to the frame.
    ///
    /// With the box (x0, y0)..(x1, y1) and s = 20 / max(x1 - x0, y1 - y0), a source point x maps to
    /// u = (x - x0) * s + originX, where originX puts the source centre of mass cx at u = 14 + 0.5.
    /// Specks are removed from the image, not only from the box.
    /// - Parameter pixels: width*height coverage 0...1, light ink on dark (0 = background).
    /// - Returns: MNIST.pixels floats 0...1, or nil when there is no ink.
    public static func mnistImage(from pixels: [Float], width: Int, height: Int) -> [Float]? {
        precondition(pixels.count == width * height, "pixels must hold width * height values")
        guard width > 0, height > 0, let region = InkRegion.find(in: pixels, width: width, height: height) else { return nil }
        let source = region.hasSpecks ? region.removingSpecks(from: pixels, width: width, height: height) : pixels
        guard let centre = centreOfMass(source, width: width, region: region) else { return nil }
        let scale = Float(fittedSide) / Float(max(region.x1 - region.x0, region.y1 - region.y0))
        let target = centreIndex + pixelCentreOffset
        return AreaResampler.resample(source, sourceWidth: width,
                                      x0: region.x0, y0: region.y0, x1: region.x1, y1: region.y1,
                                      side: MNIST.side, scale: scale,
                                      originX: target - centre.x * scale, originY: target - centre.y * scale)
    }

    /// Centre of mass inside the region's box, measured from the box's corner with pixel centres at +0.5.
    /// Accumulates per-column masses and y-moments row by row (element-wise), then reduces the columns.
    static func centreOfMass(_ pixels: [Float], width: Int, region: InkRegion) -> (x: Float, y: Float)? {
        let boxWidth = region.x1 - region.x0
        var mass = [Float](repeating: 0, count: boxWidth), momentY = [Float](repeating: 0, count: boxWidth)
        var total: Float = 0, sumX: Float = 0, sumY: Float = 0
        pixels.withUnsafeBufferPointer { p in
            mass.withUnsafeMutableBufferPointer { m in
                momentY.withUnsafeMutableBufferPointer { my in
                    for y in region.y0..<region.y1 {
                        InkLoops.accumulateMoments(row: p.baseAddress! + y * width + region.x0,
                                                   position: Float(y - region.y0) + pixelCentreOffset,
                                                   mass: m.baseAddress!, moment: my.baseAddress!, count: boxWidth)
                    }
                    for x in 0..<boxWidth { sumX += m[x] * (Float(x) + pixelCentreOffset) }
                    total = InkLoops.sum(m.baseAddress!, count: boxWidth)
                    sumY = InkLoops.sum(my.baseAddress!, count: boxWidth)
                }
            }
        }
        return total > 0 ? (sumX / total, sumY / total) : nil
    }

    /// For image files: converts a grayscale photo/scan/PNG of any size, dark-on-light or light-on-dark, to
    /// ink coverage 0...1 light-on-dark. Polarity comes from the border: with b the mean of the outermost
    /// rows and columns, a light border (b above mid-gray) means dark ink, which is inverted. The background
    /// level is subtracted and the result stretched to the strongest ink, with f = `backgroundNoiseFloor`:
    /// d = g - b (light ink) or b - g (dark ink), coverage = clamp((d / max(d) - f) / (1 - f), 0, 1).
    /// Computed in exact integer steps, so an image and its inverse give identical coverage.
    public static func inkCoverage(fromGray gray: [UInt8], width: Int, height: Int) -> [Float] {
        precondition(gray.count == width * height, "gray must hold width * height values")
        var coverage = [Float](repeating: 0, count: gray.count)
        guard !gray.isEmpty else { return coverage }
        let (borderSum, borderCount) = border(gray, width: width, height: height)
        // Scaled by borderCount so the background level stays an integer: d * n = g * n - sum(border).
        let darkInk = 2 * borderSum > grayMax * borderCount
        let sign = darkInk ? -1 : 1
        let peak = gray.reduce(Int.min) { max($0, sign * (Int($1) * borderCount - borderSum)) }
        guard peak > 0 else { return coverage }
        let inversePeak = 1 / Float(peak), stretch = 1 / (1 - backgroundNoiseFloor)
        gray.withUnsafeBufferPointer { g in
            coverage.withUnsafeMutableBufferPointer { out in
                for i in 0..<g.count {
                    let d = Float(sign * (Int(g[i]) * borderCount - borderSum)) * inversePeak
                    out[i] = min(max((d - backgroundNoiseFloor) * stretch, 0), 1)
                }
            }
        }
        return coverage
    }

    /// true when the image's border (its outermost rows and columns) is lighter than mid-gray on average:
    /// dark ink on light paper.
    static func hasDarkInk(_ gray: [UInt8], width: Int, height: Int) -> Bool {
        let (sum, count) = border(gray, width: width, height: height)
        return 2 * sum > grayMax * count
    }

    /// The sum and number of the border's pixels.
    private static func border(_ gray: [UInt8], width: Int, height: Int) -> (sum: Int, count: Int) {
        var sum = 0, count = 0
        for y in 0..<height {
            let onEdgeRow = y == 0 || y == height - 1
            for x in 0..<width where onEdgeRow || x == 0 || x == width - 1 {
                sum += Int(gray[y * width + x])
                count += 1
            }
        }
        return (sum, count)
    }
}
