"""Practice mode: coding a trainee's turns as a MITI coder would."""
