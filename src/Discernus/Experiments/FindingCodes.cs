namespace Discernus.Experiments;

/// <summary>The stable codes of validation findings; scripts match on these, so they never change meaning.</summary>
internal static class FindingCodes
{
    public const string ExperimentNotFound = "experiment_not_found";
    public const string FileMissing = "file_missing";
    public const string FileUnreadable = "file_unreadable";
    public const string MalformedYaml = "malformed_yaml";
    public const string NoAppendix = "no_appendix";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string UnknownKey = "unknown_key";
    public const string NoDimensions = "no_dimensions";
    public const string DuplicateDimension = "duplicate_dimension";
    public const string DimensionWithoutMarkers = "dimension_without_markers";
    public const string DerivedMetricInvalid = "derived_metric_invalid";
    public const string UnknownAnalysisVariant = "unknown_analysis_variant";
    public const string DuplicateDocumentId = "duplicate_document_id";
    public const string DocumentMissing = "document_missing";
    public const string DuplicateDocumentFile = "duplicate_document_file";
    public const string PathEscapes = "path_escapes_experiment";
    public const string NotRegularFile = "not_a_regular_file";
    public const string InvalidFileName = "invalid_file_name";
    public const string EmptyDocument = "empty_document";
    public const string BinaryDocument = "binary_document";
    public const string NotUtf8 = "document_not_utf8";
    public const string UnsupportedDocument = "unsupported_document_type";
    public const string DocumentTooLarge = "document_too_large";
    public const string ExtractedTextTooLarge = "extracted_text_too_large";
    public const string TooManyDocuments = "too_many_documents";
    public const string NoDocuments = "no_documents";
    public const string YamlAliasBomb = "yaml_alias_expansion";
    public const string YamlTooDeep = "yaml_too_deep";
    public const string UnlistedFile = "unlisted_corpus_file";
    public const string SpecVersionMismatch = "spec_version_mismatch";
    public const string GroupingFieldMissing = "grouping_field_missing";
    public const string ManifestWithoutDocuments = "manifest_without_documents";
    public const string IgnoredYamlBlock = "ignored_yaml_block";
    public const string NameNotSnakeCase = "name_not_snake_case";
    public const string UnknownDimension = "unknown_dimension";
    public const string InvalidGoldFile = "invalid_gold_file";

    // Derived-metric formulas (issue 15 / 14): a placeholder or a metric that can never have a value is a warning,
    // a formula over the parser's limits is blocking.
    public const string DerivedMetricPlaceholder = "derived_metric_placeholder";
    public const string DerivedMetricWithoutValue = "derived_metric_without_value";
    public const string FormulaTooLarge = "formula_too_large";
    public const string CheckNotRun = "check_not_run";

    public const string DocumentOverLimit = "document_over_limit";
    public const string DocumentCorrupt = "document_corrupt";
    public const string InvalidName = "invalid_name";
    public const string TooManyDimensions = "too_many_dimensions";
    public const string MetadataValueTooLong = "metadata_value_too_long";
    public const string GoldFileTooLarge = "gold_file_too_large";
    public const string UnsupportedEncoding = "document_unsupported_encoding";
    public const string OldMacLineEndings = "cr_line_endings";

    /// <summary>A specification file no longer has the bytes its run was validated with (found when the run is set up, not by `validate`).</summary>
    public const string ChangedSinceValidation = "changed_since_validation";
}
