// The boundaries between the parts of a group of ink: blobs that touch at a narrow neck part there, parts that a
// seam could not follow part along their own ink, and a blob without a neck is not parted.

import XCTest
@testable import DigitCore

final class InkPartsTests: XCTestCase {
    /// A `width` x `height` patch with full ink in each box (columns x0..<x1, rows y0..<y1).
    func patch(width: Int, height: Int, boxes: [(x0: Int, y0: Int, x1: Int, y1: Int)]) -> InkPatch {
        var pixels = [Float](repeating: 0, count: width * height)
        for box in boxes {
            for y in box.y0..<box.y1 { for x in box.x0..<box.x1 { pixels[y * width + x] = 1 } }
        }
        return InkPatch(x0: 10, y0: 20, width: width, height: height, pixels: pixels)
    }

    /// Two bars joined by a bridge one pixel thick part at the bridge: one boundary, with each bar whole on its
    /// side and only the bridge severed.
    func testBlobsJoinedAtANeckPartThere() throws {
        let whole = patch(width: 30, height: 40, boxes: [(4, 2, 12, 38), (16, 2, 24, 38), (12, 20, 16, 21)])
        let boundaries = InkParts.boundaries(in: whole, strokeWidth: 8, minimumInk: 40)
        let boundary = try XCTUnwrap(boundaries.first)
        XCTAssertEqual(boundaries.count, 1)
        for (at, ink) in whole.pixels.enumerated() where ink > 0 && (at % 30 < 12 || at % 30 >= 16) {
            XCTAssertEqual(boundary.left[at], at % 30 < 12)
        }
        let cut = TouchingDigits.Cut(parting: boundary.left, columns: boundary.columns, in: whole)
        XCTAssertEqual(cut.crossed, 1, "the bridge's one row is severed once")
        XCTAssertEqual(boundary.columns.count, whole.height)
    }

    /// A 7-like part whose bar reaches over the next part, which is a blob of its own: the boundary gives each its
    /// own ink and severs none, where a seam would have to jump the bar's whole length between two rows.
    func testPartsThatOverhangEachOtherKeepTheirOwnInk() throws {
        // The first part: a stem at columns 2..<6 and a bar over columns 2..<40 on top; the second part under the
        // bar, at columns 24..<30, four rows below it.
        let whole = patch(width: 42, height: 40, boxes: [(2, 0, 6, 40), (2, 0, 40, 4), (24, 8, 30, 40)])
        let boundaries = InkParts.boundaries(in: whole, strokeWidth: 4, minimumInk: 40)
        XCTAssertEqual(boundaries.count, 1)
        let boundary = try XCTUnwrap(boundaries.first)
        for (at, ink) in whole.pixels.enumerated() where ink > 0 {
            XCTAssertEqual(boundary.left[at], at / 42 < 4 || at % 42 < 6, "pixel \(at % 42), \(at / 42)")
        }
        XCTAssertEqual(TouchingDigits.Cut(parting: boundary.left, columns: boundary.columns, in: whole).crossed, 0)
        // Sliced out of the group, each part is itself.
        let edge = TouchingDigits.Cut(seam: [Int](repeating: whole.x0, count: whole.height), in: whole)
        let end = TouchingDigits.Cut(seam: [Int](repeating: whole.x1, count: whole.height), in: whole)
        let cut = TouchingDigits.Cut(parting: boundary.left, columns: boundary.columns, in: whole)
        let first = try XCTUnwrap(TouchingDigits.slice(whole, from: edge, to: cut, pieces: []))
        let second = try XCTUnwrap(TouchingDigits.slice(whole, from: cut, to: end, pieces: []))
        XCTAssertEqual([first.x0, first.y0, first.width, first.height], [12, 20, 38, 40])
        XCTAssertEqual(first.mass, Float(4 * 40 + 34 * 4))
        XCTAssertEqual([second.x0, second.y0, second.width, second.height], [34, 28, 6, 32])
        XCTAssertEqual(second.mass, Float(6 * 32))
        let ink = whole.pixels.indices.filter { whole.pixels[$0] > 0 }
        XCTAssertTrue(cut.encloses(edge, ink: ink) && end.encloses(cut, ink: ink))
        XCTAssertFalse(edge.encloses(cut, ink: ink))
    }

    /// Two strokes that cross part between them: each pixel goes to the stroke with the most ink there, where
    /// wearing the ink down would never part them; and sliced between such boundaries, each stroke is whole, the
    /// pixels where they cross included.
    func testCrossingStrokesPartBetweenThem() throws {
        let bar = patch(width: 30, height: 40, boxes: [(0, 10, 30, 14)])
        let stem = patch(width: 30, height: 40, boxes: [(20, 0, 24, 40)])
        var whole = bar
        whole.pixels = zip(bar.pixels, stem.pixels).map { max($0, $1) }
        XCTAssertTrue(InkParts.boundaries(in: whole, strokeWidth: 4, minimumInk: 40).isEmpty, "one blob, no neck")
        let boundaries = InkParts.boundaries(in: whole, between: [bar, stem], minimumInk: 40)
        XCTAssertEqual(boundaries.count, 1)
        let boundary = try XCTUnwrap(boundaries.first)
        for (at, ink) in whole.pixels.enumerated() where ink > 0 {
            XCTAssertEqual(boundary.left[at], bar.pixels[at] > 0, "pixel \(at % 30), \(at / 30)")
        }
        XCTAssertTrue(InkParts.boundaries(in: whole, between: [whole], minimumInk: 40).isEmpty)

        XCTAssertEqual(boundary.parts, [0])
        var cut = TouchingDigits.Cut(parting: boundary.left, columns: boundary.columns, in: whole)
        var edge = TouchingDigits.Cut(seam: [Int](repeating: whole.x0, count: whole.height), in: whole)
        var end = TouchingDigits.Cut(seam: [Int](repeating: whole.x1, count: whole.height), in: whole)
        let bare = try XCTUnwrap(TouchingDigits.slice(whole, from: cut, to: end, pieces: [bar, stem]))
        XCTAssertEqual(bare.mass, Float(4 * 40 - 4 * 4), "by pixels, the crossing goes to the bar")
        (cut.pieces, edge.pieces, end.pieces) = (boundary.parts, [], [0, 1])
        let wholeStem = try XCTUnwrap(TouchingDigits.slice(whole, from: cut, to: end, pieces: [bar, stem]))
        XCTAssertEqual(wholeStem, stem.keeping { _ in true })
        XCTAssertEqual(try XCTUnwrap(TouchingDigits.slice(whole, from: edge, to: cut, pieces: [bar, stem])).mass,
                       Float(30 * 4))
    }

    /// A ring as thick as its strokes wears thinner but never falls apart, and a part too light to be a digit
    /// (a dot beside the ring) gives no boundary.
    func testABlobWithoutANeckIsNotParted() {
        let ring = patch(width: 40, height: 40,
                         boxes: [(4, 4, 36, 10), (4, 30, 36, 36), (4, 4, 10, 36), (30, 4, 36, 36)])
        XCTAssertTrue(InkParts.boundaries(in: ring, strokeWidth: 6, minimumInk: 40).isEmpty)
        let dotted = patch(width: 46, height: 40,
                           boxes: [(4, 4, 36, 10), (4, 30, 36, 36), (4, 4, 10, 36), (30, 4, 36, 36), (40, 20, 43, 23)])
        XCTAssertTrue(InkParts.boundaries(in: dotted, strokeWidth: 6, minimumInk: 40).isEmpty)
    }

    /// Chessboard distances to the background: 1 on the edge of the ink, growing inward, 0 outside.
    func testDistancesToTheBackground() {
        let whole = patch(width: 7, height: 7, boxes: [(1, 1, 6, 6)])
        let distances = InkParts.distances(whole.pixels.map { $0 > 0 }, width: 7, height: 7)
        XCTAssertEqual(Array(distances[21..<28]), [0, 1, 2, 3, 2, 1, 0])
        XCTAssertEqual(distances[0], 0)
        XCTAssertEqual(distances[8], 1)
    }
}
