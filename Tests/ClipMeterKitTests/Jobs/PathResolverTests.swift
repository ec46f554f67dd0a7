import Foundation
import XCTest
@testable import ClipMeterKit

final class PathResolverTests: XCTestCase {
    // MARK: - OSS URL forms

    func testOSSURLFormsMapToTheSyncedFile() throws {
        let tree = try JobsTempTree()
        let plain = try tree.write("sync/renders/out_0.mp4")
        let spaced = try tree.write("sync/renders/my clip+1.mp4")
        let chinese = try tree.write("sync/renders/成片.mp4")
        let mapping = try OSSMapping(parsing: "oss://example-bucket/renders=\(tree.path("sync/renders"))")
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [mapping], mediaMap: [:])

        let forms: [(String, String)] = [
            ("oss://example-bucket/renders/out_0.mp4", plain),
            ("https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4", plain),
            ("http://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4", plain),
            ("https://example-bucket.oss-cn-shanghai-internal.aliyuncs.com/renders/out_0.mp4", plain),
            (
                "https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4?Expires=1700000000&OSSAccessKeyId=x&Signature=a%2Bb",
                plain
            ),
            ("https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/my%20clip%2B1.mp4", spaced),
            ("https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/%E6%88%90%E7%89%87.mp4", chinese),
            ("oss://example-bucket/renders/my clip+1.mp4", spaced),
        ]
        for (url, expected) in forms {
            let resolved = resolver.resolve(url, relativeTo: tree.root)
            XCTAssertEqual(resolved.map(\.localPath), [expected], url)
            XCTAssertEqual(resolved.first?.original, url)
            XCTAssertNil(resolved.first?.problem, url)
        }
        XCTAssertEqual(OSSLocation(url: "https://b.oss-cn-beijing-internal.aliyuncs.com/k")?.region, "cn-beijing")
    }

    func testMappingMatchesWholeSegmentsAndTheLongestPrefixWins() throws {
        let tree = try JobsTempTree()
        let special = try tree.write("special/x.mp4")
        try tree.write("all/renders/x.mp4")
        let resolver = PathResolver(
            roots: [tree.root], mediaRoot: nil,
            ossMappings: [
                try OSSMapping(parsing: "oss://bkt=\(tree.path("all"))"),
                try OSSMapping(parsing: "oss://bkt/renders/=\(tree.path("special"))"),
            ], mediaMap: [:])
        XCTAssertEqual(resolver.resolve("oss://bkt/renders/x.mp4", relativeTo: "/").map(\.localPath), [special])

        let narrow = try OSSMapping(parsing: "oss://bkt/renders=/data")
        XCTAssertEqual(narrow.localPath(for: "oss://bkt/renders/a/b.mp4"), "/data/a/b.mp4")
        XCTAssertNil(narrow.localPath(for: "oss://bkt/renders2/b.mp4"))
        XCTAssertNil(narrow.localPath(for: "oss://other/renders/b.mp4"))
        XCTAssertNil(narrow.localPath(for: "https://bkt.example.com/renders/b.mp4"))
    }

    func testUnmappedAndNetworkURLsAreProblemsNotReads() throws {
        let tree = try JobsTempTree()
        let resolver = PathResolver(
            roots: [tree.root], mediaRoot: nil,
            ossMappings: [try OSSMapping(parsing: "oss://mine/p=\(tree.root)")], mediaMap: [:])
        let unmapped = resolver.resolve("https://theirs.oss-cn-hangzhou.aliyuncs.com/k.mp4", relativeTo: tree.root)
        XCTAssertNil(unmapped[0].localPath)
        XCTAssertEqual(unmapped[0].remedy, .mapOrReadObject(bucket: "theirs"))
        XCTAssertFalse(unmapped[0].problem?.contains("--") ?? true, "the resolver names no flag")
        XCTAssertTrue(Wording.problem(of: unmapped[0])?.contains("--oss-map oss://theirs/") ?? false, "the edge does")
        let web = resolver.resolve("https://cdn.example.com/video.mp4", relativeTo: tree.root)
        XCTAssertTrue(web[0].problem?.contains("not a local file") ?? false)
        let mediaID = resolver.resolve("1470b11171ee9d19e7e6c66a000000a1", relativeTo: tree.root)
        XCTAssertEqual(mediaID[0].remedy, .mapMediaID("1470b11171ee9d19e7e6c66a000000a1"))
        XCTAssertTrue(Wording.problem(of: mediaID[0])?.contains("--media-map 1470b11171ee9d19e7e6c66a000000a1=PATH") ?? false)
    }

    func testOSSMapParsingErrors() {
        XCTAssertThrowsError(try OSSMapping(parsing: "oss://bucket/prefix")) { error in
            XCTAssertTrue("\(error)".contains("URL=DIR"))
        }
        XCTAssertThrowsError(try OSSMapping(parsing: "s3://bucket/prefix=./dir"))
        XCTAssertThrowsError(try OSSMapping(parsing: "oss://bucket/prefix="))
        XCTAssertEqual(try OSSMapping(parsing: "https://b.oss-cn-shanghai.aliyuncs.com/x/=/d").prefix, "x")
        let relative = try? OSSMapping(parsing: "oss://b/x=./local/dir")
        XCTAssertEqual(relative?.localDirectory, PathText.normalized(FileManager.default.currentDirectoryPath + "/local/dir"))
    }

    // MARK: - Media root and media map

    func testMediaRootAndMediaMap() throws {
        let tree = try JobsTempTree()
        let library = try tree.write("library/intro.mp4")
        let mapped = try tree.write("elsewhere/asset.mov")
        let resolver = PathResolver(
            roots: [tree.path("project")], mediaRoot: tree.path("library"), ossMappings: [],
            mediaMap: ["1470b11171ee9d19e7e6c66a000000a1": mapped])
        try tree.mkdir("project")
        XCTAssertEqual(resolver.resolve("intro.mp4", relativeTo: tree.path("project")).map(\.localPath), [library])
        XCTAssertEqual(resolver.resolve("1470b11171ee9d19e7e6c66a000000a1", relativeTo: "/").map(\.localPath), [mapped])
    }

    // MARK: - Containment

    func testPathsEscapingTheRootsAreProblemsNotReads() throws {
        let tree = try JobsTempTree()
        try tree.mkdir("root/job")
        let secret = try tree.write("outside/secret.mp4")
        // A FIFO outside the root: resolving must never open it (opening a FIFO for reading would block).
        let fifo = tree.path("outside/pipe.mp4")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try tree.symlink("root/job/link.mp4", to: secret)
        try tree.symlink("root/job/pipe-link.mp4", to: fifo)
        try tree.symlink("root/job/outdir", to: tree.path("outside"))
        let resolver = PathResolver(
            roots: [tree.path("root")], mediaRoot: nil,
            ossMappings: [try OSSMapping(parsing: "oss://b/p=\(tree.path("root/job"))")], mediaMap: [:])
        let base = tree.path("root/job")

        let escapes = [
            "../../outside/secret.mp4",  // `..` out of the root
            secret,  // absolute path outside
            "link.mp4",  // symlink pointing out
            "pipe-link.mp4",  // symlink to a FIFO outside: refused before any open
            "outdir/secret.mp4",  // through a symlinked folder
            "oss://b/p/../../../outside/secret.mp4",  // an OSS key climbing out of its mapped folder
            "../../outside/*.mp4",  // a glob whose fixed part is outside
        ]
        for reference in escapes {
            let resolved = resolver.resolve(reference, relativeTo: base)
            XCTAssertEqual(resolved.count, 1, reference)
            XCTAssertNil(resolved[0].localPath, reference)
            XCTAssertTrue(resolved[0].escapesRoots, "\(reference): \(resolved[0].problem ?? "no problem")")
        }
        // A glob that would wander through the symlinked folder finds nothing there.
        XCTAssertTrue(resolver.resolve("**/*.mp4", relativeTo: base).allSatisfy { $0.localPath == nil })
        // The whole-folder form refuses the link rather than following it.
        XCTAssertTrue(resolver.resolve(".", relativeTo: base).allSatisfy { $0.localPath == nil })
    }

    func testLinksInsideTheRootAreFine() throws {
        let tree = try JobsTempTree()
        let real = try tree.write("root/media/a.mp4")
        try tree.symlink("root/job/a.mp4", to: "../media/a.mp4")
        let resolver = PathResolver(roots: [tree.path("root")], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        let resolved = resolver.resolve("a.mp4", relativeTo: tree.path("root/job"))
        XCTAssertEqual(resolved.map(\.localPath), [real])
        XCTAssertEqual(resolved.first?.original, "a.mp4")
    }

    func testManifestWithEscapingInputMakesTheJobInvalid() throws {
        let tree = try JobsTempTree()
        try tree.write("outside.mp4")
        let manifest = try tree.write("root/clipmeter.yaml", "feature: video-editing\ninputs: [../outside.mp4]\n")
        let resolver = PathResolver(roots: [tree.path("root")], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        let jobs = try ManifestLoader.load(path: manifest, resolver: resolver, defaultFeature: nil)
        XCTAssertFalse(jobs[0].isValid)
        XCTAssertTrue(jobs[0].problems[0].text.contains("escapes the allowed roots"))
    }

    func testMissingFilesAndEmptyGlobsAreReported() throws {
        let tree = try JobsTempTree()
        try tree.symlink("dangling.mp4", to: tree.path("gone.mp4"))
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        XCTAssertTrue(resolver.resolve("nope.mp4", relativeTo: tree.root)[0].problem?.hasPrefix("no such file") ?? false)
        XCTAssertTrue(resolver.resolve("dangling.mp4", relativeTo: tree.root)[0].problem?.contains("broken link") ?? false)
        XCTAssertTrue(resolver.resolve("*.mov", relativeTo: tree.root)[0].problem?.contains("matched no files") ?? false)
        XCTAssertTrue(resolver.resolve("  ", relativeTo: tree.root)[0].problem?.contains("empty") ?? false)
    }

    func testFoldersAndGlobsExpandSorted() throws {
        let tree = try JobsTempTree()
        try tree.write("m/b.mp4")
        try tree.write("m/a.mp4")
        try tree.write("m/sub/c.mp4")
        try tree.write("m/.hidden.mp4")
        try tree.write("m/[draft].mp4")
        let resolver = PathResolver(roots: [tree.root], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        XCTAssertEqual(
            resolver.resolve("m", relativeTo: tree.root).map(\.original),
            ["m/[draft].mp4", "m/a.mp4", "m/b.mp4", "m/sub/c.mp4"])
        XCTAssertEqual(
            resolver.resolve("m/**", relativeTo: tree.root).map(\.original),
            ["m/[draft].mp4", "m/a.mp4", "m/b.mp4", "m/sub/c.mp4"])
        XCTAssertEqual(resolver.resolve("m/[ab].mp4", relativeTo: tree.root).map(\.original), ["m/a.mp4", "m/b.mp4"])
        XCTAssertEqual(resolver.resolve("m/[!a]*.mp4", relativeTo: tree.root).map(\.original), ["m/[draft].mp4", "m/b.mp4"])
        XCTAssertEqual(resolver.resolve("m/?.mp4", relativeTo: tree.root).map(\.original), ["m/a.mp4", "m/b.mp4"])
        XCTAssertEqual(resolver.resolve("m/.*.mp4", relativeTo: tree.root).map(\.original), ["m/.hidden.mp4"])
        XCTAssertEqual(resolver.resolve("m/\\[draft].mp4", relativeTo: tree.root).map(\.original), ["m/[draft].mp4"])
    }

    func testUnrestrictedResolverAcceptsAnyExistingPath() throws {
        let tree = try JobsTempTree()
        let file = try tree.write("a/b.mp4")
        let resolver = PathResolver(roots: [], mediaRoot: nil, ossMappings: [], mediaMap: [:])
        XCTAssertEqual(resolver.resolve(file, relativeTo: "/").map(\.localPath), [file])
        XCTAssertEqual(resolver.resolve("../a/b.mp4", relativeTo: tree.path("a")).map(\.localPath), [file])
    }
}
