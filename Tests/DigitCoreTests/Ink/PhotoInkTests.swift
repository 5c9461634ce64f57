// Ink from photos lit unevenly: synthetic pictures of a number on paper under a lighting gradient, and clean
// images, which must come out exactly as before.

import XCTest
@testable import DigitCore

final class PhotoInkTests: XCTestCase {
    /// A number's clean coverage, and the same number as a photo: paper of reflectance `paper` and ink of
    /// `ink` under light falling from full on the right to `dimmest` on the left (and a little towards the
    /// bottom), plus seeded sensor noise of +-`noise` gray levels.
    func photo(_ digits: [Int], dimmest: Float, paper: Float = 0.9, ink: Float = 0.15,
               noise: Float = 4) -> (clean: [Float], photo: GrayImage) {
        let number = DrawnDigits.number(digits)
        let clean = DrawnDigits.coverage(number.strokes, width: number.width, height: number.height)
        var rng = SplitMix64(seed: 3)
        var pixels = [UInt8](repeating: 0, count: clean.count)
        for y in 0..<number.height {
            for x in 0..<number.width {
                let across = Float(x) / Float(number.width), down = Float(y) / Float(number.height)
                let light = dimmest + (1 - dimmest) * (0.8 * across + 0.2 * (1 - down))
                let reflectance = paper + (ink - paper) * clean[y * number.width + x]
                let value = 255 * light * reflectance + rng.uniform(-noise, noise)
                pixels[y * number.width + x] = UInt8(min(max(value.rounded(), 0), 255))
            }
        }
        return (clean, GrayImage(width: number.width, height: number.height, pixels: pixels))
    }

    /// Fraction of the paper (no ink within reach) that comes out as ink, and of the solid ink that does not.
    func errors(_ coverage: [Float], clean: [Float]) -> (falseInk: Float, lostInk: Float) {
        let paper = clean.indices.filter { clean[$0] == 0 }, solid = clean.indices.filter { clean[$0] == 1 }
        let falseInk = paper.filter { coverage[$0] >= InkRegion.faintThreshold }.count
        let lostInk = solid.filter { coverage[$0] < 0.5 }.count
        return (Float(falseInk) / Float(paper.count), Float(lostInk) / Float(solid.count))
    }

    func testGradientBackgroundIsRemoved() {
        let (clean, image) = photo([2, 0, 2, 6], dimmest: 0.3)
        let global = DigitPreprocessor.inkCoverage(fromGray: image.pixels, width: image.width, height: image.height)
        XCTAssertGreaterThan(errors(global, clean: clean).falseInk, 0.1, "one background level calls the dim side ink")
        let local = PhotoInk.coverage(of: image)
        let (falseInk, lostInk) = errors(local, clean: clean)
        XCTAssertLessThan(falseInk, 0.001)
        XCTAssertLessThan(lostInk, 0.01)
    }

    func testPhotosReadAsTheirNumber() throws {
        let reader = try ShippedRecognizer.reader()
        for (digits, dimmest) in [([2, 0, 2, 6], Float(0.3)), ([7, 5, 1], 0.45), ([4], 0.25)] {
            let (_, image) = photo(digits, dimmest: dimmest)
            XCTAssertEqual(reader.read(image).text, digits.map(String.init).joined(), "\(digits)")
            let negative = GrayImage(width: image.width, height: image.height, pixels: image.pixels.map { 255 - $0 })
            XCTAssertEqual(reader.read(negative).text, digits.map(String.init).joined(), "\(digits), light on dark")
        }
    }

    /// Heavy sensor noise on the dim side raises the floor instead of turning into specks of ink.
    func testNoisyPhotoKeepsItsPaperClean() throws {
        let (clean, image) = photo([5, 7], dimmest: 0.3, noise: 20)
        let (falseInk, lostInk) = errors(PhotoInk.coverage(of: image), clean: clean)
        XCTAssertLessThan(falseInk, 0.001)
        XCTAssertLessThan(lostInk, 0.05)
        XCTAssertEqual(try ShippedRecognizer.reader().read(image).text, "57")
    }

    /// A flat background goes through the single-digit path untouched, so clean images read as before.
    func testFlatBackgroundKeepsTheGlobalCoverage() {
        let (_, image) = photo([7, 1], dimmest: 1, noise: 2)
        XCTAssertEqual(PhotoInk.coverage(of: image),
                       DigitPreprocessor.inkCoverage(fromGray: image.pixels, width: image.width, height: image.height))
        let tiny = GrayImage(width: 3, height: 2, pixels: [0, 255, 0, 0, 0, 0])
        XCTAssertEqual(PhotoInk.coverage(of: tiny),
                       DigitPreprocessor.inkCoverage(fromGray: tiny.pixels, width: 3, height: 2))
    }

    func testReducingAveragesEachBlock() {
        let image = GrayImage(width: 5, height: 3, pixels: [0, 10, 20, 30, 40,
                                                            50, 60, 70, 80, 90,
                                                            100, 110, 120, 130, 255])
        let reduced = PhotoInk.reduced(image, by: 2)
        XCTAssertEqual(reduced.width, 3)
        XCTAssertEqual(reduced.height, 2)
        // Whole blocks, then the blocks the right and bottom edges cut: (40 + 90) / 2 rounds to 65.
        XCTAssertEqual(reduced.pixels, [30, 50, 65, 105, 125, 255])
        XCTAssertEqual(PhotoInk.reduced(image, by: 1), image)
    }

    func testOnlyImagesLargerThanTheWorkingSizeAreReduced() {
        let side = PhotoInk.workingSide
        XCTAssertEqual(PhotoInk.reductionFactor(width: side, height: 10), 1)
        XCTAssertEqual(PhotoInk.reductionFactor(width: 10, height: side + 1), 2)
        XCTAssertEqual(PhotoInk.reductionFactor(width: 2 * side, height: side), 2)
        XCTAssertEqual(PhotoInk.reductionFactor(width: 2 * side + 1, height: 3 * side), 3)
    }

    /// A photo larger than the working size reads as its number, with each digit's box in the photo's own pixels.
    func testLargePhotoReadsAtWorkingSizeWithBoundsInItsPixels() throws {
        let reader = try ShippedRecognizer.reader()
        let (_, image) = photo([2, 0, 2, 6], dimmest: 0.3)
        let scale = (2 * PhotoInk.workingSide) / image.width + 1
        var pixels = [UInt8](repeating: 0, count: image.width * scale * image.height * scale)
        for y in 0..<(image.height * scale) {
            for x in 0..<(image.width * scale) {
                pixels[y * image.width * scale + x] = image.pixels[(y / scale) * image.width + x / scale]
            }
        }
        let large = GrayImage(width: image.width * scale, height: image.height * scale, pixels: pixels)
        XCTAssertGreaterThan(PhotoInk.reductionFactor(width: large.width, height: large.height), 2)
        let small = reader.read(image), read = reader.read(large)
        XCTAssertEqual(read.text, "2026")
        XCTAssertEqual(small.text, "2026")
        for (big, digit) in zip(read.digits, small.digits) {
            // The same box, up to the working size's coarser pixels.
            let slack = 2 * PhotoInk.reductionFactor(width: large.width, height: large.height)
            XCTAssertEqual(big.bounds.x, digit.bounds.x * scale, accuracy: slack)
            XCTAssertEqual(big.bounds.y, digit.bounds.y * scale, accuracy: slack)
            XCTAssertEqual(big.bounds.maxX, digit.bounds.maxX * scale, accuracy: slack)
            XCTAssertEqual(big.bounds.maxY, digit.bounds.maxY * scale, accuracy: slack)
        }
    }
}
