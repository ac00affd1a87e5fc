"""FriendliAI: generative-friendliai."""
