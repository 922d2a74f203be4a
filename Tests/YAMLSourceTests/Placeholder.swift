import Testing

@Test func placeholderYAMLSourceTests() {}
