// swift-tools-version:6.0
// digits: a handwritten-digit recognizer for the Linux desktop.
import PackageDescription

let package = Package(
    name: "digits",
    // MARK: Products
    products: [
        .executable(name: "digits", targets: ["digits"]),
        // The headless core, usable by another package: no unsafe flags in any target it needs.
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
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "CKernels"),
        .target(name: "DigitCore", dependencies: ["CBLAS", "CZlib", "CJPEG", "CKernels"], exclude: ["README.md"]),
        .target(name: "CXPad", linkerSettings: [.linkedLibrary("X11"), .linkedLibrary("Xext")]),
        .target(name: "DigitPad", dependencies: ["DigitCore", "CXPad"]),
        .executableTarget(name: "digits", dependencies: [
            "DigitCore", "DigitPad", "CKernels",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // MARK: Tests
        .testTarget(name: "DigitCoreTests", dependencies: ["DigitCore"]),
        .testTarget(name: "DigitPadTests", dependencies: ["DigitPad", "DigitCore"]),
        .testTarget(name: "digitsTests", dependencies: ["digits"]),
    ],
    swiftLanguageModes: [.v6]
)
