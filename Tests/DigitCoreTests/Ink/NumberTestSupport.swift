// Numbers for the segmentation and reading tests: digits drawn as pen strokes, placed side by side, and the
// shipped model to read them.

import Foundation
import XCTest
@testable import DigitCore

/// Digits drawn with strokes in a unit box (x 0...1 across, y 0...1 down), placed on canvases.
enum DrawnDigits {
    /// Each digit's strokes in the unit box; 4 and 5 are drawn in two strokes as people draw them.
    static let shapes: [Int: [[(Float, Float)]]] = [
        0: [(0...24).map { k in
            let angle = Float(k) / 24 * 2 * .pi
            return (0.5 + 0.42 * sinf(angle), 0.5 - 0.5 * cosf(angle))
        }],
        1: [[(0.55, 0), (0.45, 1)]],
        2: [[(0.1, 0.22), (0.3, 0.02), (0.7, 0.02), (0.88, 0.25), (0.6, 0.6), (0.08, 1), (0.95, 1)]],
        4: [[(0.55, 0), (0.05, 0.65), (0.95, 0.65)], [(0.7, 0.3), (0.7, 1)]],
        5: [[(0.3, 0), (0.9, 0)],
            [(0.3, 0.05), (0.25, 0.45), (0.6, 0.38), (0.88, 0.6), (0.8, 0.9), (0.5, 1), (0.12, 0.9)]],
        6: [[(0.75, 0), (0.3, 0.35), (0.15, 0.7), (0.35, 1), (0.7, 0.95), (0.8, 0.7), (0.55, 0.52), (0.2, 0.65)]],
        7: [[(0.08, 0), (0.92, 0), (0.35, 1)]],
    ]

    /// The strokes of `digit`, `height` pixels tall and 0.6 * height wide, its box's top-left at (x, y).
    static func strokes(_ digit: Int, x: Float, y: Float, height: Float, radius: Float) -> [Stroke] {
        let width = 0.6 * height
        return shapes[digit]!.map { line in
            Stroke(points: line.map { InkPoint(x: x + $0.0 * width, y: y + $0.1 * height) }, radius: radius)
        }
    }

    /// A number's digits side by side on a canvas with seeded gaps of `gaps` (a fraction of the height) and
    /// baselines that wander by up to a tenth of the height. Returns the strokes and the canvas size.
    static func number(_ digits: [Int], height: Float = 60, gaps: ClosedRange<Float> = 0.2...0.6,
                       seed: UInt64 = 1) -> (strokes: [Stroke], width: Int, height: Int) {
        var rng = SplitMix64(seed: seed)
        let margin = height / 2, radius = height / 14
        var x = margin, strokes: [Stroke] = []
        for (i, digit) in digits.enumerated() {
            if i > 0 { x += rng.uniform(gaps.lowerBound, gaps.upperBound) * height }
            let y = margin + rng.uniform(-0.1, 0.1) * height
            strokes += self.strokes(digit, x: x, y: y, height: height, radius: radius)
            x += 0.6 * height
        }
        return (strokes, Int(x + margin), Int(height + 2 * margin))
    }

    /// Two digits slid together, from a gap of a third of the height, until their inks join into fewer
    /// blobs than they have strokes: the pair just touches.
    static func touchingPair(_ a: Int, _ b: Int) -> (strokes: [Stroke], width: Int, height: Int) {
        var gap: Float = 0.3
        while true {
            let pair = number([a, b], gaps: gap...gap)
            let canvas = coverage(pair.strokes, width: pair.width, height: pair.height)
            if InkPieces.components(of: canvas, width: pair.width, height: pair.height).count < pair.strokes.count {
                return pair
            }
            gap -= 0.01
        }
    }

    /// The strokes rendered as `InkCanvas` renders them.
    static func coverage(_ strokes: [Stroke], width: Int, height: Int) -> [Float] {
        var canvas = InkCanvas(width: width, height: height)
        canvas.render(strokes)
        return canvas.pixels
    }
}

/// The shipped model, loaded once for all tests that read digits.
enum ShippedRecognizer {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Resources/digits.safetensors").standardized

    static let recognizer: Recognizer? = {
        guard let network = try? ModelFile.load(from: url).network else { return nil }
        return Recognizer(network)
    }()

    /// The shipped model's recognizer; fails the calling test when the model file is missing.
    static func reader(file: StaticString = #filePath, line: UInt = #line) throws -> NumberReader {
        NumberReader(classifier: try XCTUnwrap(recognizer, "no model at \(url.path)", file: file, line: line))
    }
}

/// A classifier that is equally sure of every image: for tests where the split decision must not matter.
struct SureOfEverything: DigitClassifying {
    func probabilities(for image: [Float]) -> [Float] {
        [0.91] + [Float](repeating: 0.01, count: MNIST.classes - 1)
    }
}
