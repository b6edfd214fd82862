from harvester_iac.cli import main

raise SystemExit(main())
