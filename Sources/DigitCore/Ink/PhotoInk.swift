// Ink from photos: a phone picture of paper is lit unevenly, so one background level for the whole image
// would call the dim corner ink. The paper's brightness is estimated locally and the ink measured against it.

/// Ink coverage from a grayscale photo, scan or drawing of any polarity.
public enum PhotoInk {
    /// The paper level is estimated on a grid of about this many blocks along the longer side...
    static let blocksPerSide = 12
    /// ...of at least this many pixels.
    static let minimumBlock = 16
    /// A block's paper level is this quantile of its pixels (the paper side of the ink).
    static let paperQuantile: Float = 0.9
    /// In the second pass, pixels at most this much darker than the first estimate count as paper.
    static let paperDarkness: Float = 0.15
    /// An image whose border varies by at most this many gray levels (between its `borderQuantiles`) has a
    /// flat background: it goes through `DigitPreprocessor.inkCoverage` unchanged, so clean images read
    /// exactly as before. Uneven light shows at the border, while ink seldom covers much of it.
    public static let flatTolerance: Float = 16
    static let borderQuantiles: (low: Float, high: Float) = (0.1, 0.9)
    /// Darkness within this many standard deviations of the paper's noise is paper.
    static let noiseSigmas: Float = 3
    /// Ink is at least this much darker than its paper (beyond the noise); a photo with nothing darker is
    /// blank paper, however its noise is stretched.
    static let minimumContrast: Float = 0.2

    /// Coverage 0...1, light on dark. Polarity from the border as in `DigitPreprocessor.inkCoverage`. With p
    /// the paper-side brightness (g for dark ink, 255 - g for light ink), b the local paper level (see
    /// `BackgroundGrid`) and s the paper's noise in gray levels, the darkness beyond the noise relative to the
    /// paper, d = max(0, b - p - `noiseSigmas` * s) / b, is stretched like `inkCoverage`'s difference:
    /// clamp((d / max(d) - f) / (1 - f), 0, 1) with f = `backgroundNoiseFloor`. Dividing by b rather than
    /// subtracting it makes ink as dark in the dim parts as in the bright ones; s = sqrt(mean((p - b)^2 over
    /// p > b)), since only noise makes paper brighter than its level and it spreads alike on both sides.
    public static func coverage(of image: GrayImage) -> [Float] {
        let (width, height) = (image.width, image.height)
        let flat = { DigitPreprocessor.inkCoverage(fromGray: image.pixels, width: width, height: height) }
        guard width > 0, height > 0 else { return flat() }
        let darkInk = DigitPreprocessor.hasDarkInk(image.pixels, width: width, height: height)
        let paper = darkInk ? image.pixels : image.pixels.map { UInt8.max - $0 }
        guard borderSpread(paper, width: width, height: height) > flatTolerance else { return flat() }
        let grid = BackgroundGrid(paper, width: width, height: height)
        var below = [Float](repeating: 0, count: paper.count), levels = below
        var brighterSquares: Float = 0, brighter = 0
        for y in 0..<height {
            for x in 0..<width {
                let at = y * width + x, level = grid.level(x: x, y: y), difference = level - Float(paper[at])
                if difference < 0 { brighterSquares += difference * difference; brighter += 1 }
                (below[at], levels[at]) = (difference, level)
            }
        }
        let noise = noiseSigmas * (brighter > 0 ? (brighterSquares / Float(brighter)).squareRoot() : 0)
        let darkness = below.indices.map { levels[$0] >= 1 ? max(0, below[$0] - noise) / levels[$0] : 0 }
        guard let peak = darkness.max(), peak >= minimumContrast else { return [Float](repeating: 0, count: paper.count) }
        let floor = DigitPreprocessor.backgroundNoiseFloor, stretch = 1 / (1 - floor)
        return darkness.map { min(max(($0 / peak - floor) * stretch, 0), 1) }
    }
}

extension PhotoInk {
    /// The longest side, in pixels, a photo is read at. A phone's photo of a number holds digits hundreds of
    /// pixels tall, and each digit is read at 28x28 in the end: at full size, a 9-megapixel photo only costs
    /// seconds and hundreds of megabytes. A larger image is first reduced by a whole factor (`reduced`).
    public static let workingSide = 2000

    /// The smallest whole factor that brings the image's longer side to `workingSide` or less (1 when it is).
    public static func reductionFactor(width: Int, height: Int) -> Int {
        max(1, (max(width, height) + workingSide - 1) / workingSide)
    }

    /// `image` reduced by `factor` on each side: each output pixel is the rounded mean of its `factor` x `factor`
    /// block (blocks cut by the right or bottom edge average the pixels they hold), so thin strokes fade to grey
    /// instead of breaking.
    public static func reduced(_ image: GrayImage, by factor: Int) -> GrayImage {
        precondition(factor >= 1, "factor must be at least 1")
        let width = (image.width + factor - 1) / factor, height = (image.height + factor - 1) / factor
        var sums = [Int](repeating: 0, count: width * height)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<image.height {
                let row = (y / factor) * width, from = y * image.width
                for x in 0..<image.width { sums[row + x / factor] += Int(pixels[from + x]) }
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for v in 0..<height {
            let rows = min(factor, image.height - v * factor)
            for u in 0..<width {
                let count = rows * min(factor, image.width - u * factor)
                pixels[v * width + u] = UInt8((sums[v * width + u] + count / 2) / count)
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// The spread of the border's gray levels, from its low to its high `borderQuantiles`.
    static func borderSpread(_ gray: [UInt8], width: Int, height: Int) -> Float {
        var histogram = [Int](repeating: 0, count: 256)
        for y in 0..<height {
            let onEdgeRow = y == 0 || y == height - 1
            for x in 0..<width where onEdgeRow || x == 0 || x == width - 1 { histogram[Int(gray[y * width + x])] += 1 }
        }
        return BackgroundGrid.quantile(histogram[...], borderQuantiles.high)
            - BackgroundGrid.quantile(histogram[...], borderQuantiles.low)
    }
}

/// The paper's brightness on a coarse grid of blocks, for interpolation at any pixel.
struct BackgroundGrid {
    let block: Int, columns: Int, rows: Int
    /// Per block, row-major: the paper level.
    private(set) var levels: [Float]

    /// Two passes: a high quantile of each block (paper is the bright side of the ink) gives a first
    /// estimate; then each block's paper pixels (those within `paperDarkness` of that estimate) are averaged,
    /// which is free of the quantile's upward bias from noise and from the gradient inside the block.
    init(_ paper: [UInt8], width: Int, height: Int) {
        block = max(PhotoInk.minimumBlock, (max(width, height) + PhotoInk.blocksPerSide - 1) / PhotoInk.blocksPerSide)
        columns = (width + block - 1) / block
        rows = (height + block - 1) / block
        var histograms = [Int](repeating: 0, count: columns * rows * 256)
        for y in 0..<height {
            for x in 0..<width {
                histograms[((y / block) * columns + x / block) * 256 + Int(paper[y * width + x])] += 1
            }
        }
        levels = (0..<(columns * rows)).map { cell in
            Self.quantile(histograms[(cell * 256)..<(cell * 256 + 256)], PhotoInk.paperQuantile)
        }
        smooth()
        var sums = [Float](repeating: 0, count: levels.count), counts = sums
        for y in 0..<height {
            for x in 0..<width where Float(paper[y * width + x]) >= (1 - PhotoInk.paperDarkness) * level(x: x, y: y) {
                let cell = (y / block) * columns + x / block
                sums[cell] += Float(paper[y * width + x])
                counts[cell] += 1
            }
        }
        levels = levels.indices.map { counts[$0] > 0 ? sums[$0] / counts[$0] : levels[$0] }
        smooth()
    }

    /// A block filled by a thick stroke would take the ink for paper: the median of its neighbourhood
    /// replaces it (which, unlike a maximum, leaves a gradient where it is); then a mean evens out noise.
    private mutating func smooth() {
        levels = Self.filter(levels, columns: columns, rows: rows, combine: { $0.sorted()[$0.count / 2] })
        levels = Self.filter(levels, columns: columns, rows: rows, combine: { $0.reduce(0, +) / Float($0.count) })
    }

    /// The paper level at pixel (x, y), interpolated bilinearly between block centres and extrapolated
    /// linearly beyond the outer centres, so a gradient keeps its slope up to the image's edges.
    func level(x: Int, y: Int) -> Float {
        let (c0, fx) = Self.cell(Float(x), block: block, count: columns)
        let (r0, fy) = Self.cell(Float(y), block: block, count: rows)
        let c1 = min(c0 + 1, columns - 1), r1 = min(r0 + 1, rows - 1)
        let top = levels[r0 * columns + c0] * (1 - fx) + levels[r0 * columns + c1] * fx
        let bottom = levels[r1 * columns + c0] * (1 - fx) + levels[r1 * columns + c1] * fx
        return top * (1 - fy) + bottom * fy
    }

    /// The block whose centre is at or before pixel coordinate `at` (the first-but-one at most), and the
    /// fraction of the way to the next centre, below 0 or above 1 outside the outer centres.
    static func cell(_ at: Float, block: Int, count: Int) -> (Int, Float) {
        guard count > 1 else { return (0, 0) }
        let position = (at + 0.5) / Float(block) - 0.5
        let index = min(max(Int(position.rounded(.down)), 0), count - 2)
        return (index, position - Float(index))
    }

    /// The gray level below which `fraction` of a 256-bin histogram's pixels lie.
    static func quantile(_ histogram: ArraySlice<Int>, _ fraction: Float) -> Float {
        let total = histogram.reduce(0, +), wanted = Int((fraction * Float(total)).rounded(.up))
        var seen = 0
        for (level, count) in histogram.enumerated() {
            seen += count
            if seen >= wanted { return Float(level) }
        }
        return Float(histogram.count - 1)
    }

    /// Each block replaced by `combine` of itself and its neighbours within one block, the neighbourhood
    /// kept symmetric (one block wide along an axis at the grid's edge) so that a gradient stays unbiased.
    static func filter(_ values: [Float], columns: Int, rows: Int, combine: ([Float]) -> Float) -> [Float] {
        func around(_ i: Int, _ count: Int) -> ClosedRange<Int> { i == 0 || i == count - 1 ? i...i : (i - 1)...(i + 1) }
        return (0..<values.count).map { cell in
            var near: [Float] = []
            for r in around(cell / columns, rows) {
                for c in around(cell % columns, columns) { near.append(values[r * columns + c]) }
            }
            return combine(near)
        }
    }
}
