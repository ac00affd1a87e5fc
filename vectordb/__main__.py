from vectordb.cli import main

main()
