import Foundation

/// Which `Submit*` APIs a request body without `Action` can be for, judged from its keys alone.
///
/// Every key the IMS documentation and the official SDK models give to only some of the APIs narrows the
/// candidates to those APIs; a key every API may carry (`UserData`, `ClientToken`, `TitleArray`,
/// `SpeechTextArray`, `Width`, …) or that none documents says nothing. A body is for an API only when that API
/// is the one candidate left: two or more candidates make the body ambiguous, whatever its values, and none
/// means its keys belong to different APIs. Empty values count as keys (`"MediaArray": []` still names a
/// media array).
enum IMSRequestSignature {
    typealias API = IMSRequestAPI

    private static let batch = API.submitBatchMediaProducingJob
    private static let producing = API.submitMediaProducingJob
    private static let extraction = API.submitHighlightExtractionJob
    private static let mashup = API.submitScreenMediaHighlightsJob
    private static let sports = API.submitSportsHighlightsJob
    private static let selection = API.submitSceneMediaSelectionJob
    private static let organization = API.submitSceneTimelineOrganizationJob
    private static let sceneBatch = API.submitSceneBatchEditingJob

    /// Where a key sits in a body.
    enum Place: String, CaseIterable {
        case body = "", input = "InputConfig", output = "OutputConfig"

        func name(_ key: String) -> String { self == .body ? key : "\(rawValue).\(key)" }
    }

    /// The APIs each documented key belongs to, by place. Keys not listed are shared by all, or unknown.
    static let owners: [Place: [String: Set<API>]] = {
        let withInput: Set<API> = [batch, mashup, sports, extraction, selection, organization]
        // The batch-production family's outputs (MediaURL with {index}, Count, MaxDuration, …); highlight
        // extraction exports its clips with its own keys instead.
        let batchOutputs: Set<API> = [batch, mashup, sports, selection, organization, sceneBatch]
        // Image-text matching's inputs; the scene stages take the same structure when their JobType is Smart_Mix_*.
        let imageText: Set<API> = [batch, selection, organization]
        // Highlight mashup's inputs, likewise for Screen_Media_Highlights_* stages.
        let montage: Set<API> = [mashup, selection, organization]
        var body: [String: Set<API>] = [
            "InputConfig": withInput, "OutputConfig": withInput.union([sceneBatch]),
            "EditingConfig": [batch, mashup, selection, organization], "TemplateConfig": [batch],
            "JobType": [selection, organization], "MediaSelectResult": [organization], "ProjectIds": [sceneBatch],
        ]
        for key in [
            "OutputMediaConfig", "Timeline", "TemplateId", "ClipsParam", "ProjectId", "OutputMediaTarget",
            "EditingProduceConfig", "MediaMetadata", "ProjectMetadata", "Source",
        ] {
            body[key] = [producing]
        }
        var input: [String: Set<API>] = [
            "MediaArray": [batch, mashup, extraction, selection, organization], "MediaGroupArray": [batch],
            "MediaSearchInput": imageText, "SceneInfo": imageText, "Strategy": [extraction],
            "HighlightStrategy": montage, "OpeningArray": montage, "EndingArray": montage,
        ]
        for key in ["SportsCategory", "InputMedia", "FaceRegister", "SlowMotionLogoRegister", "TransferNameRegister"] {
            input[key] = [sports]
        }
        var output: [String: Set<API>] = [:]
        for key in ["MediaURL", "Count", "MaxDuration", "FixedDuration", "GeneratePreviewOnly"] { output[key] = batchOutputs }
        for key in ["NeedExport", "Bucket", "ObjectKey", "ExportAsNewMedia"] { output[key] = [extraction] }
        return [.body: body, .input: input, .output: output]
    }()

    /// Top-level keys without which a body is not for the API (each is required by its API).
    static let required: [API: [String]] = [
        selection: ["JobType"], organization: ["JobType", "MediaSelectResult"], sceneBatch: ["ProjectIds"],
    ]

    /// What the keys of one body say.
    struct Verdict {
        /// The APIs the body fits, in `IMSRequestAPI.allCases` order.
        var candidates: [API]
        /// The APIs its keys fit that lack required keys, with the keys they lack.
        var lacking: [(api: API, keys: [String])]
        /// The documented keys the body carries, each with the APIs it belongs to (for messages).
        var evidence: [(key: String, owners: Set<API>)]
    }

    /// The APIs a body with these top-level, `InputConfig` and `OutputConfig` keys fits; a `JobType` value
    /// tells the two scene stages apart.
    static func verdict(body: [String: SourceValue], input: [String: SourceValue], output: [String: SourceValue]) -> Verdict {
        var candidates = Set(API.allCases)
        var evidence: [(key: String, owners: Set<API>)] = []
        for (place, keys) in [(Place.body, body), (.input, input), (.output, output)] {
            for key in keys.keys.sorted() {
                guard let owners = owners[place]?[key] else { continue }
                evidence.append((place.name(key), owners))
                candidates.formIntersection(owners)
            }
        }
        if case .string(let type)? = body["JobType"] {
            if type.hasSuffix("_Media_Select") { candidates.remove(organization) }
            if type.hasSuffix("_Timeline_Organize") { candidates.remove(selection) }
        }
        let lacking = API.allCases.filter(candidates.contains).map { api in
            (api: api, keys: (required[api] ?? []).filter { body[$0] == nil })
        }
        return Verdict(
            candidates: lacking.filter(\.keys.isEmpty).map(\.api), lacking: lacking.filter { !$0.keys.isEmpty },
            evidence: evidence)
    }

    /// Why a body fits no single API, for the error: the candidates, or the keys that pull apart.
    static func reason(_ verdict: Verdict) -> String {
        if verdict.candidates.count > 1 {
            let names = verdict.candidates.map(\.rawValue)
            let list = names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
            return "cannot tell which IMS API this request body is for: its keys fit \(list)"
        }
        if !verdict.lacking.isEmpty {
            let needs = verdict.lacking.map { "\($0.api.rawValue) also needs \($0.keys.joined(separator: " and "))" }
            return "cannot tell which IMS API this request body is for: its keys fit only APIs whose required keys it lacks ("
                + needs.joined(separator: "; ") + ")"
        }
        // The keys that narrow most, each with the APIs it belongs to.
        let telling = verdict.evidence.sorted { $0.owners.count < $1.owners.count }.prefix(2).map { item in
            "\(item.key) (\(API.allCases.filter(item.owners.contains).map(\.rawValue).joined(separator: ", ")))"
        }
        return "cannot tell which IMS API this request body is for: its keys belong to different APIs: "
            + telling.joined(separator: "; ")
    }
}
