import Foundation
import TestSupport
import XCTest

/// Runs the built `clipmeter` the way a user's script does and reads what it prints.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as JSON (fails the test when it is not).
        func json(file: StaticString = #filePath, line: UInt = #line) throws -> Any {
            do {
                return try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            } catch {
                XCTFail("stdout is not JSON: \(stdout.prefix(400))\nstderr: \(stderr.prefix(400))", file: file, line: line)
                throw error
            }
        }
    }

    /// `clipmeter ARGS` in `directory` (default: the package root, so `media-samples/…` paths work).
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let result = try TestMedia.run(
            TestMedia.clipmeterExecutable, arguments, environment: env,
            currentDirectory: directory ?? TestMedia.packageRoot.path)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    static var samples: String { TestMedia.packageRoot.appendingPathComponent("media-samples").path }

    /// A private copy of media-samples, so scans can write their ledger without touching the repository.
    static func samplesCopy() throws -> String {
        let dir = try TestMedia.temporaryDirectory("clipmeter-samples")
        let copy = dir.appendingPathComponent("media-samples").path
        try FileManager.default.copyItem(atPath: samples, toPath: copy)
        try? FileManager.default.removeItem(atPath: copy + "/.clipmeter")
        return copy
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
