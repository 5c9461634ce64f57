// Numbers composed from MNIST digits, as `scripts/bench-numbers.py` composes them, for fitting segmentation
// to numbers whose digits and places are known.

/// A number image and where each of its digits lies.
public struct ComposedNumber: Sendable {
    /// One digit of the number, or a mark that is not one (`label` `MNIST.classes`): its label and the columns its
    /// ink spans in the image.
    public struct Digit: Sendable, Equatable {
        public let label: Int
        public let columns: ClosedRange<Float>
    }

    public let image: GrayImage
    public let digits: [Digit]

    /// The number as a reading that gets it right shows it: a mark that is not a digit as "?".
    public var text: String { digits.map { $0.label < MNIST.classes ? String($0.label) : "?" }.joined() }

    /// The composition's parameters, at MNIST's 28-pixel scale: those of the benchmark.
    static let gaps = 0...20, touching: Float = 0.1, overlap = 1, jitter = 3, margin = 6
    static let scales: ClosedRange<Float> = 3...5
    /// Gray level from which a pixel counts as ink when sliding two digits together.
    static let ink: UInt8 = 64

    /// A number of `length` digits drawn from `images` at `indices`: each digit cropped to its ink's columns,
    /// random gaps of 0-20 px with about one pair in ten slid together until their inks touch (then up to a
    /// pixel further), baselines jittered by up to 3 px, the whole scaled 3-5x by bilinear interpolation, and
    /// half of the numbers dark on light. With `marks`, one place at random holds one of them instead of a digit.
    public static func make(from images: LabeledImages, indices: [Int], length: Int, marks: LabeledImages? = nil,
                            using rng: inout SplitMix64) -> ComposedNumber {
        let picks = (0..<length).map { _ in indices[Int(rng.next() % UInt64(indices.count))] }
        var crops = picks.map { cropToInk(images, $0) }, labels = picks.map { Int(images.labels[$0]) }
        if let marks, marks.count > 0 {
            let place = Int(rng.next() % UInt64(length)), mark = Int(rng.next() % UInt64(marks.count))
            (crops[place], labels[place]) = (cropToInk(marks, mark), Int(marks.labels[mark]))
        }
        let height = MNIST.side + 2 * jitter + 2 * margin
        let width = crops.reduce(0) { $0 + $1.width } + gaps.upperBound * length + 2 * margin
        var canvas = [UInt8](repeating: 0, count: width * height)
        var x = margin, spans: [(Int, Int)] = []
        for (n, crop) in crops.enumerated() {
            let top = margin + jitter + Int(rng.next() % UInt64(2 * jitter + 1)) - jitter
            if n > 0 {
                if rng.nextUnit() < touching {
                    x = max(0, touchingColumn(canvas, width: width, crop: crop, top: top, start: x)
                        - Int(rng.next() % UInt64(overlap + 1)))
                } else {
                    x += gaps.lowerBound + Int(rng.next() % UInt64(gaps.count))
                }
            }
            for row in 0..<MNIST.side {
                for column in 0..<crop.width {
                    let at = (top + row) * width + x + column
                    canvas[at] = max(canvas[at], crop.pixels[row * crop.width + column])
                }
            }
            spans.append((x, x + crop.width))
            x += crop.width
        }
        let used = x + margin
        let cropped = (0..<height).flatMap { canvas[($0 * width)..<($0 * width + used)] }
        let factor = rng.uniform(scales.lowerBound, scales.upperBound)
        var image = scaled(GrayImage(width: used, height: height, pixels: cropped), by: factor)
        if rng.nextUnit() < 0.5 { image.pixels = image.pixels.map { 255 - $0 } }
        return ComposedNumber(image: image, digits: zip(labels, spans).map { label, span in
            Digit(label: label, columns: Float(span.0) * factor...Float(span.1) * factor)
        })
    }

    /// The digit's columns that hold ink, all 28 rows.
    static func cropToInk(_ images: LabeledImages, _ index: Int) -> (width: Int, pixels: [UInt8]) {
        let side = MNIST.side, start = index * side * side
        let image = images.pixels[start..<(start + side * side)]
        let inked = (0..<side).filter { column in (0..<side).contains { image[start + $0 * side + column] > 0 } }
        guard let first = inked.first, let last = inked.last else { return (1, [UInt8](repeating: 0, count: side)) }
        let width = last - first + 1
        return (width, (0..<side).flatMap { row in image[(start + row * side + first)...(start + row * side + last)] })
    }

    /// The largest column x <= start at which the crop's ink touches the canvas's ink, 8-connected.
    static func touchingColumn(_ canvas: [UInt8], width: Int, crop: (width: Int, pixels: [UInt8]), top: Int,
                               start: Int) -> Int {
        let height = canvas.count / width
        func grownInk(_ x: Int, _ y: Int) -> Bool {
            for dy in -1...1 {
                for dx in -1...1 {
                    let (cx, cy) = (x + dx, y + dy)
                    if cx >= 0, cx < width, cy >= 0, cy < height, canvas[cy * width + cx] >= ink { return true }
                }
            }
            return false
        }
        for x in stride(from: start, through: 0, by: -1) {
            for row in 0..<MNIST.side {
                for column in 0..<crop.width where crop.pixels[row * crop.width + column] >= ink {
                    if x + column < width, grownInk(x + column, top + row) { return x }
                }
            }
        }
        return 0
    }

    /// Bilinear resampling by `factor`, pixel centres aligned.
    static func scaled(_ image: GrayImage, by factor: Float) -> GrayImage {
        let width = Int((Float(image.width) * factor).rounded()), height = Int((Float(image.height) * factor).rounded())
        func source(_ i: Int, _ count: Int) -> (Int, Int, Float) {
            let at = min(max((Float(i) + 0.5) / factor - 0.5, 0), Float(count - 1))
            let low = Int(at)
            return (low, min(low + 1, count - 1), at - Float(low))
        }
        let xs = (0..<width).map { source($0, image.width) }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            let (y0, y1, fy) = source(y, image.height)
            for x in 0..<width {
                let (x0, x1, fx) = xs[x]
                let p = { (row: Int, column: Int) in Float(image.pixels[row * image.width + column]) }
                let top = p(y0, x0) * (1 - fx) + p(y0, x1) * fx, bottom = p(y1, x0) * (1 - fx) + p(y1, x1) * fx
                pixels[y * width + x] = UInt8(min(max((top * (1 - fy) + bottom * fy).rounded(), 0), 255))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}

/// A number written as pen strokes, as a person writes one in the pad: MNIST digits traced into pen strokes
/// (`StrokeRedraw.polylines` of the skeleton `redraw` draws) and placed side by side.
public struct ComposedStrokeNumber: Sendable {
    public let strokes: [Stroke]
    public let width: Int, height: Int
    /// The digits' labels, left to right.
    public let labels: [Int]

    public var text: String { labels.map(String.init).joined() }

    /// A digit's height on the canvas (an MNIST digit is 20 of its 28 pixels tall), in pixels: the pad's canvas
    /// holds digits of about this size.
    static let heights: ClosedRange<Float> = 100...170
    /// The pen's width as a share of the digit's height.
    static let penShares: ClosedRange<Float> = 0.06...0.14
    /// Gaps, baseline jitter and margin in MNIST's 28-pixel units, as `ComposedNumber` composes images; about one
    /// pair in ten is written into each other instead, the digit's left part up to `crossingDepth` of its
    /// width over the digit before it, so that their strokes often cross.
    static let gaps: ClosedRange<Float> = 0...20, jitter: Float = 3, margin: Float = 6
    static let crossing: Float = 0.1, crossingDepth: ClosedRange<Float> = 0.05...0.3

    /// A number of `length` digits drawn from `images` at `indices`; an image without ink to trace is passed over
    /// for another (a few hundred in a row are a precondition failure).
    public static func make(from images: LabeledImages, indices: [Int], length: Int,
                            using rng: inout SplitMix64) -> ComposedStrokeNumber {
        let height = rng.uniform(heights.lowerBound, heights.upperBound)
        // Canvas pixels per pixel of the doubled 28x28 image the skeleton lives in (20 px tall digits: 40 there).
        let scale = height / 40, unit = 2 * scale
        let radius = rng.uniform(penShares.lowerBound, penShares.upperBound) * height / 2
        var strokes: [Stroke] = [], labels: [Int] = [], blank = 0
        var previousLeft = margin * unit, previousRight = margin * unit, bottom: Float = 0
        while labels.count < length {
            let index = indices[Int(rng.next() % UInt64(indices.count))]
            let lines = StrokeRedraw.polylines(of: StrokeRedraw.loopKeepingSkeleton(
                images.floatImage(index), width: MNIST.side, height: MNIST.side))
            let points = lines.joined()
            guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max() else {
                blank += 1
                precondition(blank < 500, "the images at these indices hold no ink to trace")
                continue
            }
            let digitWidth = (maxX - minX) * scale
            var left = previousRight
            if !labels.isEmpty {
                if rng.nextUnit() < crossing {
                    left = max(previousLeft, previousRight
                               - rng.uniform(crossingDepth.lowerBound, crossingDepth.upperBound) * digitWidth)
                } else {
                    left = previousRight + rng.uniform(gaps.lowerBound, gaps.upperBound) * unit
                }
            }
            let top = (margin + jitter + rng.uniform(-jitter, jitter)) * unit
            for line in lines {
                let placed = line.map { InkPoint(x: left + ($0.x - minX) * scale, y: top + $0.y * scale) }
                bottom = max(bottom, placed.map(\.y).max() ?? 0)
                strokes.append(Stroke(points: placed, radius: radius))
            }
            labels.append(Int(images.labels[index]))
            (previousLeft, previousRight) = (left, left + digitWidth)
        }
        return ComposedStrokeNumber(strokes: strokes, width: Int((previousRight + margin * unit).rounded(.up)),
                                    height: Int((bottom + margin * unit).rounded(.up)), labels: labels)
    }
}
