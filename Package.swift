// swift-tools-version:6.0
// digits: a handwritten-digit recognizer for the Linux desktop.
import PackageDescription

// The numeric kernels hand unsafe buffers to Dispatch workers by design (each worker owns a disjoint slice),
// which Swift 6's strict concurrency checking cannot see; the package therefore compiles in Swift 5 mode.
let languageModes: [SwiftLanguageMode] = [.v5]

let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "digits",
    // MARK: Products
    products: [
        .executable(name: "digits", targets: ["digits"]),
        .library(name: "DigitCore", targets: ["DigitCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    // MARK: Targets
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CKernels"),
        .target(name: "DigitCore", dependencies: ["CBLAS", "CZlib", "CKernels"], swiftSettings: optimize),
        .target(name: "CXPad", linkerSettings: [.linkedLibrary("X11"), .linkedLibrary("Xext")]),
        .target(name: "DigitPad", dependencies: ["DigitCore", "CXPad"], swiftSettings: optimize),
        .executableTarget(name: "digits", dependencies: [
            "DigitCore", "DigitPad",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimize),
        // MARK: Tests
        .testTarget(name: "DigitCoreTests", dependencies: ["DigitCore"]),
        .testTarget(name: "DigitPadTests", dependencies: ["DigitPad", "DigitCore"]),
        .testTarget(name: "digitsTests", dependencies: ["digits"]),
    ],
    swiftLanguageModes: languageModes
)
