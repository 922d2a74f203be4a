// Placeholder: the CLI is being written.
print("automail")
