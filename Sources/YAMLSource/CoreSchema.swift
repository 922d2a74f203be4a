/// Resolves plain scalars by the YAML 1.2 core schema.
public enum CoreSchema {
    /// The value of `scalar` by the YAML 1.2 core schema.
    public static func resolve(_ scalar: YAMLScalar) -> YAMLValue {
        // Placeholder: replaced by the real implementation.
        .string(scalar.text)
    }
}
