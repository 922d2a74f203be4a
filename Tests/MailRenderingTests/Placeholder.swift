import Testing

@Test func placeholderMailRenderingTests() {}
