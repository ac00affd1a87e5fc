"""AWS: text2vec-aws and generative-aws (Bedrock and SageMaker)."""
