// Where `--model` defaults to: $DIGITS_MODEL as given, else the first shipped model found from the current
// folder, the folders above the executable, or share/digits beside an installed binary.

import Foundation
import XCTest
@testable import digits

final class ShippedModelTests: XCTestCase {
    func testCandidatesCoverTheRepositoryAndAnInstalledBinary() {
        let candidates = ShippedModel.candidates().map(\.path)
        XCTAssertEqual(candidates.first, URL(fileURLWithPath: "Resources/\(ShippedModel.fileName)").path,
                       "the current folder first")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent()
            .appendingPathComponent("../share/digits/\(ShippedModel.fileName)").standardized.path
        XCTAssertTrue(candidates.contains(installed), "share/digits beside the binary")
        var dir = executable.deletingLastPathComponent()
        while dir.path != "/" {
            XCTAssertTrue(candidates.contains(dir.appendingPathComponent("Resources/\(ShippedModel.fileName)").path),
                          "Resources/ in \(dir.path)")
            dir = dir.deletingLastPathComponent()
        }
    }

    func testTheEnvironmentWinsAndIsUsedAsGiven() throws {
        setenv(ShippedModel.environment, "/nowhere/model.safetensors", 1)
        defer { unsetenv(ShippedModel.environment) }
        XCTAssertEqual(try ShippedModel.locate().path, "/nowhere/model.safetensors",
                       "a wrong path is kept so that loading it fails loudly")
    }

    func testFindsTheFirstCandidateThatExists() throws {
        unsetenv(ShippedModel.environment)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digits-shipped-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Resources"),
                                                withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([1]).write(to: dir.appendingPathComponent("Resources/\(ShippedModel.fileName)"))
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        XCTAssertEqual(try ShippedModel.locate().path, dir.appendingPathComponent("Resources/\(ShippedModel.fileName)").path)
    }
}
