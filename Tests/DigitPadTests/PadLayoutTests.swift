// The window's layout at several sizes, the key map and the pixel font, all without a display.

import XCTest
@testable import DigitCore
@testable import DigitPad

final class PadLayoutTests: XCTestCase {
    func testDefaultLayoutPutsAWideCanvasTopLeft() {
        let size = PadLayout.defaultSize
        let layout = PadLayout(width: size.width, height: size.height)
        XCTAssertLessThanOrEqual(layout.canvas.x, 20)
        XCTAssertLessThanOrEqual(layout.canvas.y, 20)
        XCTAssertGreaterThanOrEqual(layout.canvas.height, 300, "one digit as large as on the old square canvas")
        XCTAssertGreaterThanOrEqual(layout.canvas.width, 6 * layout.canvas.height / 2, "room for six digits")
        XCTAssertNotNil(layout.bars)
        XCTAssertNotNil(layout.footer)
        XCTAssertTrue(layout.showsThumbnails)
        XCTAssertGreaterThanOrEqual(layout.number.width, 6 * 64, "six digit cells fit beside the bars")
    }

    func testNothingOverlapsAndEverythingFitsAtManySizes() {
        for (width, height) in [(1082, 618), (720, 484), (1600, 1200), (2000, 500), (760, 1000), (4000, 3000)] {
            let layout = PadLayout(width: width, height: height)
            let name = "\(width)x\(height)"
            XCTAssertFalse(layout.canvas.intersects(layout.number), name)
            XCTAssertLessThanOrEqual(layout.canvas.maxX, width, name)
            XCTAssertLessThanOrEqual(layout.number.maxY, height, name)
            if let bars = layout.bars {
                XCTAssertFalse(bars.intersects(layout.number), name)
                XCTAssertFalse(bars.intersects(layout.canvas), name)
                XCTAssertLessThanOrEqual(bars.maxX, width, name)
                for digit in 0..<9 { XCTAssertLessThanOrEqual(layout.barRow(digit)!.maxY, layout.barRow(digit + 1)!.y) }
                XCTAssertGreaterThanOrEqual(layout.barRow(0)!.height, 16, "bars stay readable, \(name)")
                XCTAssertLessThanOrEqual(layout.barRow(9)!.maxY, bars.maxY, name)
            }
            if let footer = layout.footer {
                XCTAssertFalse(footer.intersects(layout.canvas), name)
                XCTAssertLessThanOrEqual(footer.maxY, height, name)
            }
            for index in 0..<6 {
                XCTAssertLessThanOrEqual(layout.digitCell(index, of: 6).maxX, layout.number.maxX, name)
            }
        }
        let big = PadLayout(width: 1600, height: 1200), small = PadLayout(width: 720, height: 484)
        XCTAssertGreaterThan(big.canvas.height, small.canvas.height, "the canvas grows with the window")
    }

    /// Under the minimum size (a window manager may ignore the hint) parts are dropped instead of clipped, down to
    /// a single pixel.
    func testSmallWindowsDegradeInsteadOfClipping() {
        for (width, height) in [(700, 480), (400, 300), (200, 120), (50, 40), (1, 1)] {
            let layout = PadLayout(width: width, height: height)
            let name = "\(width)x\(height)"
            XCTAssertNil(layout.bars, name)
            XCTAssertGreaterThan(layout.canvas.width, 0, name)
            XCTAssertGreaterThan(layout.canvas.height, 0, name)
            XCTAssertLessThanOrEqual(layout.number.maxY, max(height, layout.canvas.maxY + PadLayout.gap), name)
            if let footer = layout.footer { XCTAssertLessThanOrEqual(footer.maxY, height, name) }
            let frame = PadView.render(PadState(layout: layout))
            XCTAssertEqual(frame.pixels.count, max(width, 1) * max(height, 1), "a frame of the window's size")
        }
    }

    func testKeysMapToActions() {
        let control: UInt32 = 4
        XCTAssertEqual(PadKeys.action(keysym: 0x63, modifiers: 0), .clear)        // c
        XCTAssertEqual(PadKeys.action(keysym: 0x43, modifiers: 1), .clear)        // C with shift
        XCTAssertEqual(PadKeys.action(keysym: 0xFFFF, modifiers: 0), .clear)      // Delete
        XCTAssertEqual(PadKeys.action(keysym: 0xFF08, modifiers: 0), .clear)      // BackSpace
        XCTAssertEqual(PadKeys.action(keysym: 0xFF1B, modifiers: 0), .clear)      // Escape
        XCTAssertEqual(PadKeys.action(keysym: 0x7A, modifiers: control), .undo)   // Ctrl+Z
        XCTAssertEqual(PadKeys.action(keysym: 0x75, modifiers: 0), .undo)         // u
        XCTAssertEqual(PadKeys.action(keysym: 0x2B, modifiers: 1), .thicker)      // +
        XCTAssertEqual(PadKeys.action(keysym: 0x3D, modifiers: 0), .thicker)      // = (+ without shift)
        XCTAssertEqual(PadKeys.action(keysym: 0x2D, modifiers: 0), .thinner)      // -
        XCTAssertEqual(PadKeys.action(keysym: 0x71, modifiers: 0), .quit)         // q
        XCTAssertEqual(PadKeys.action(keysym: 0x71, modifiers: control), .quit)   // Ctrl+Q
        XCTAssertNil(PadKeys.action(keysym: 0x7A, modifiers: 0))                  // z alone does nothing
        XCTAssertNil(PadKeys.action(keysym: 0x63, modifiers: control))            // Ctrl+C is not clear
    }

    func testKeyHintsDropWholeHintsLeastNeededFirstWhenTheWindowIsNarrow() {
        let measure = { (text: String) in PixelFont.width(of: text, scale: 2) }
        let all = PadKeys.hintLine(fitting: .max, measure: measure)
        XCTAssertEqual(all, PadKeys.hints)
        XCTAssertEqual(PadKeys.hintLine(fitting: measure(all), measure: measure), all)
        let items = all.components(separatedBy: PadKeys.hintSeparator)
        XCTAssertEqual(items.count, PadKeys.hintItems.count)
        var previous = items
        for width in stride(from: measure(all) - 1, through: 0, by: -7) {
            let line = PadKeys.hintLine(fitting: width, measure: measure)
            XCTAssertLessThanOrEqual(measure(line), width)
            let shown = line.isEmpty ? [] : line.components(separatedBy: PadKeys.hintSeparator)
            // Whole hints only, in their order, and a narrower window never shows one a wider one dropped.
            XCTAssertEqual(shown, items.filter(shown.contains))
            XCTAssertTrue(Set(shown).isSubset(of: previous))
            previous = shown
        }
        // At the 700-pixel window that cut "M MODEL" in half, clearing, undoing and quitting still show.
        let narrow = PadKeys.hintLine(fitting: 700 - 2 * PadLayout.margin, measure: measure)
        for key in ["C CLEAR", "U UNDO", "Q QUIT"] { XCTAssertTrue(narrow.contains(key), narrow) }
        XCTAssertFalse(narrow.contains("M MODEL"), narrow)
    }

    func testTheVerdictNamesWhatTheReadingHesitatesBetween() {
        func reading(_ pairs: [Int: Float], noDigit: Float) -> DigitReading {
            DigitReading(probabilities: (0..<10).map { pairs[$0] ?? 0 } + [noDigit])
        }
        XCTAssertEqual(PadView.verdict(reading([7: 0.97], noDigit: 0.03)), "SURE")
        XCTAssertEqual(PadView.verdict(reading([4: 0.6, 9: 0.35], noDigit: 0.05)), "NOT SURE: 4 OR 9?")
        XCTAssertEqual(PadView.verdict(reading([4: 0.51, 8: 0.001], noDigit: 0.489)), "NOT SURE: 4 OR NO DIGIT?")
        XCTAssertEqual(PadView.verdict(reading([4: 0.3], noDigit: 0.7)), "NOT A DIGIT")
        XCTAssertLessThanOrEqual(PixelFont.width(of: "NOT SURE: 4 OR NO DIGIT?", scale: 2), PadLayout.barsWidth)
    }

    func testEveryCharacterTheWindowShowsHasAGlyph() {
        let shown = PadKeys.hints + "READING INPUT SURE NOT SURE: 4 OR 9? OR NO DIGIT? DRAW A DIGIT HERE BRUSH 0123456789%...?"
        for character in shown where character != " " {
            XCTAssertNotNil(PixelFont.bitmaps[Character(character.uppercased())], "no glyph for '\(character)'")
            XCTAssertTrue(PixelFont.bitmap(for: character).contains(true), "'\(character)' draws nothing")
        }
        XCTAssertTrue(PixelFont.glyphs.values.allSatisfy { $0.count == 7 && $0.allSatisfy { $0.count == 5 } })
    }

    func testTextRendersInk() {
        var frame = Raster(width: 40, height: 20)
        frame.text("7", x: 2, y: 2, scale: 2, 0xFFFFFF)
        XCTAssertGreaterThan(frame.pixels.filter { $0 == 0xFFFFFF }.count, 20)
        XCTAssertEqual(Raster.mix(0x000000, 0xFFFFFF, 0.5), 0x808080)
    }

    /// A frame keeps its storage through small resizes, and gives it back when the window shrinks to a quarter:
    /// one maximized moment must not hold a 4K frame for the rest of the session.
    func testAFrameGivesBackTheStorageOfALargerWindow() {
        var frame = Raster(width: 800, height: 500)
        frame.reset(width: 760, height: 500, fill: 7)
        XCTAssertGreaterThanOrEqual(frame.pixels.capacity, 800 * 500, "kept through a small resize")
        XCTAssertEqual(frame.pixels.count, 760 * 500)
        frame.reset(width: 200, height: 100, fill: 9)
        XCTAssertLessThan(frame.pixels.capacity, 800 * 500 / 4, "given back")
        XCTAssertEqual(frame.pixels.count, 200 * 100)
        XCTAssertTrue(frame.pixels.allSatisfy { $0 == 9 })
        XCTAssertEqual(frame.width, 200)
        XCTAssertEqual(frame.height, 100)
    }
}
