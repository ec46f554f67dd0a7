import Foundation
import XCTest
@testable import ClipMeterKit

/// A real temporary folder tree for job-source tests, removed when the test ends.
final class JobsTempTree {
    let root: String

    init() throws {
        let base = PathText.realPath(NSTemporaryDirectory()) ?? NSTemporaryDirectory()
        root = PathText.join(base, "clipmeter-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Absolute path of `relative` inside the tree.
    func path(_ relative: String) -> String { PathText.join(root, relative) }

    /// Writes a file (creating folders); media files just need to exist, their bytes are never read here.
    @discardableResult
    func write(_ relative: String, _ text: String = "not really media", modified: Date? = nil) throws -> String {
        let full = path(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        if let modified {
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: full)
        }
        return full
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path(relative) as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: destination)
    }
}

/// The example IMS responses of `shared/examples` (reconstructed from the IMS API reference), verbatim.
enum JobsFixtures {
    static let batchResponse = #"""
        {
          "RequestId": "9A1C36D4-3C1E-4417-BDB2-1E034F000001",
          "EditingBatchJob": {
            "JobId": "b6b2750d4308892ac3330238a1b2c3d4",
            "JobType": "Script",
            "Status": "Finished",
            "InputConfig": "{\"MediaGroupArray\":[{\"GroupName\":\"opening\",\"MediaArray\":[\"oss://example-bucket/inputs/a.mp4\"]}]}",
            "EditingConfig": "{\"MediaConfig\":{\"Volume\":0},\"SpeechConfig\":{\"Volume\":1}}",
            "OutputConfig": "{\"MediaURL\":\"https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_{index}.mp4\",\"Count\":3,\"MaxDuration\":15,\"Width\":1080,\"Height\":1920,\"GeneratePreviewOnly\":false}",
            "UserData": "{\"NotifyAddress\":\"https://example.com/callback\"}",
            "CreateTime": "2026-11-20T00:47:07Z",
            "ModifiedTime": "2026-11-20T00:57:07Z",
            "CompleteTime": "2026-11-20T00:57:07Z",
            "SubJobList": [
              {"JobId": "8e81933d44e3ae69e2f81485000000a1", "MediaId": "1470b11171ee9d19e7e6c66a000000a1",
               "MediaURL": "https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_0.mp4",
               "ProjectId": "7cc47fe04eaa81bd853acb6a000000a1", "Status": "Success", "Duration": 14.9},
              {"JobId": "8e81933d44e3ae69e2f81485000000a2", "MediaId": "1470b11171ee9d19e7e6c66a000000a2",
               "MediaURL": "https://example-bucket.oss-cn-shanghai.aliyuncs.com/renders/out_1.mp4",
               "ProjectId": "7cc47fe04eaa81bd853acb6a000000a2", "Status": "Success", "Duration": 15.0},
              {"JobId": "8e81933d44e3ae69e2f81485000000a3", "Status": "Failed",
               "ErrorCode": "InvalidMaterial.NotFound", "ErrorMessage": "The specified clips id not found"}
            ]
          }
        }
        """#

    static let singleResponse = #"""
        {
          "RequestId": "83B77F87-4792-BFE9-63CD-2137000000B1",
          "MediaProducingJob": {
            "JobId": "cdb3e74639973036bc84000000b1",
            "ProjectId": "fddd7748b58bf1d47e95000000b1",
            "MediaId": "0cc6ba49eab379332c5b000000b1",
            "MediaURL": "https://example-bucket.oss-cn-shanghai.aliyuncs.com/edits/example2.mp4",
            "Status": "Success",
            "Progress": 100,
            "Duration": 30.5,
            "Timeline": "{\"VideoTracks\":[{\"VideoTrackClips\":[{\"MediaURL\":\"https://example-bucket.oss-cn-shanghai.aliyuncs.com/inputs/a.mp4\",\"In\":0,\"Out\":30.5}]}]}",
            "CreateTime": "2026-11-20T05:33:40Z",
            "ModifiedTime": "2026-11-20T05:33:49Z",
            "CompleteTime": "2026-11-20T05:33:52Z"
          }
        }
        """#
}

func jobsDate(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text)!
}
