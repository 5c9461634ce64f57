// Reads a written number: segmentation into digits, then the same preprocessing and network as one digit.

/// Reads numbers from strokes, coverage images and grayscale image files with one classifier.
public struct NumberReader: Sendable {
    public let classifier: any DigitClassifying
    let segmenter: DigitSegmenter

    /// - Parameter segmentation: what touching digits are split by (`TouchingDigits.Weights.fitted` unless
    ///   weights are being fitted or compared).
    public init(classifier: any DigitClassifying, segmentation: TouchingDigits.Weights = .fitted) {
        self.classifier = classifier
        segmenter = DigitSegmenter(classifier: classifier, weights: segmentation)
    }

    /// The number drawn as `strokes` on a `width` x `height` canvas (the pad's strokes and canvas size).
    public func read(strokes: [Stroke], width: Int, height: Int) -> NumberReading {
        read(segmenter.regions(strokes: strokes, width: width, height: height))
    }

    /// The number in a coverage image: `width * height` values, 0 = background, 1 = full ink.
    public func read(coverage: [Float], width: Int, height: Int) -> NumberReading {
        read(segmenter.regions(coverage: coverage, width: width, height: height))
    }

    /// The number in a photo, scan or other grayscale image, either polarity (see `PhotoInk.coverage`), read at
    /// `PhotoInk.workingSide` at most; the digits' bounds are in the image's own pixels.
    public func read(_ image: GrayImage) -> NumberReading {
        let factor = PhotoInk.reductionFactor(width: image.width, height: image.height)
        let working = factor > 1 ? PhotoInk.reduced(image, by: factor) : image
        let reading = read(coverage: PhotoInk.coverage(of: working), width: working.width, height: working.height)
        guard factor > 1 else { return reading }
        return NumberReading(digits: reading.digits.map { digit in
            let box = digit.bounds
            let bounds = Rect(x: box.x * factor, y: box.y * factor,
                              width: min(box.width * factor, image.width - box.x * factor),
                              height: min(box.height * factor, image.height - box.y * factor))
            return NumberReading.Digit(reading: digit.reading, bounds: bounds, image: digit.image)
        })
    }

    /// Each region through `DigitPreprocessor.mnistImage` and the classifier; regions without ink are skipped.
    func read(_ regions: [InkPatch]) -> NumberReading {
        NumberReading(digits: regions.compactMap { region in
            guard let image = DigitPreprocessor.mnistImage(from: region.pixels, width: region.width,
                                                           height: region.height) else { return nil }
            let reading = DigitReading(probabilities: classifier.probabilities(for: image))
            return NumberReading.Digit(reading: reading, bounds: inkBounds(region), image: image)
        })
    }

    /// The box of the region's main ink (specks left out) in source coordinates.
    func inkBounds(_ region: InkPatch) -> Rect {
        guard let ink = InkRegion.find(in: region.pixels, width: region.width, height: region.height) else {
            return Rect(x: region.x0, y: region.y0, width: region.width, height: region.height)
        }
        return Rect(x: region.x0 + ink.x0, y: region.y0 + ink.y0, width: ink.x1 - ink.x0, height: ink.y1 - ink.y0)
    }
}
