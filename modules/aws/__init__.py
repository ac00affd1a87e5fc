"""AWS: text2vec-aws (Bedrock and SageMaker)."""
