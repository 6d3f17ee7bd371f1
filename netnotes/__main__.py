from netnotes.cli import main

main()
